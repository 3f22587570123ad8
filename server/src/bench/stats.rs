//! Order statistics of measured latencies, shared by every part of the benchmark.

use std::time::Duration;

/// The `p` quantile (0–1) of latencies sorted ascending; zero for none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
