//! Build script of the engine: rebuild when `migrations/` changes, since `sqlx::migrate!`
//! embeds the migration files and cargo does not otherwise watch them.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
