//! Sums in the order Eigen's vectorised reductions use (SSE2: packets of two doubles), which
//! statsforecast's compiled optimisers inherit.

/// `segment.sum()` of an Eigen vector whose first `head` elements (0 or 1) precede the first
/// 16-byte boundary: the aligned part is summed in two accumulating packets, their lanes are
/// added, then the unaligned head, then the odd tail. Fewer than two aligned elements are
/// summed left to right. An empty slice sums to 0.
pub(crate) fn eigen_sum(values: &[f64], head: usize) -> f64 {
    let size = values.len();
    let head = head.min(size);
    let packets = (size - head) / 2 * 2;
    if packets == 0 {
        return values.iter().copied().reduce(|a, b| a + b).unwrap_or(0.0);
    }
    let body = &values[head..head + packets];
    let quads = packets / 4 * 4;
    let mut p0 = [body[0], body[1]];
    if packets > 2 {
        let mut p1 = [body[2], body[3]];
        let mut i = 4;
        while i < quads {
            p0 = [p0[0] + body[i], p0[1] + body[i + 1]];
            p1 = [p1[0] + body[i + 2], p1[1] + body[i + 3]];
            i += 4;
        }
        p0 = [p0[0] + p1[0], p0[1] + p1[1]];
        if packets > quads {
            p0 = [p0[0] + body[quads], p0[1] + body[quads + 1]];
        }
    }
    let mut total = p0[0] + p0[1];
    for &v in &values[..head] {
        total += v;
    }
    for &v in &values[head + packets..] {
        total += v;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::eigen_sum;

    #[test]
    fn packet_order() {
        // Packets [a0, a1] + [a2, a3] + [a4, a5], lanes added, then the tail a6; a plain
        // left-to-right sum loses the 1.0 next to 1e16 and gives 6.
        let v = [1e16, 1.0, -1e16, 1.0, 1.0, 1.0, 3.0];
        assert_eq!(eigen_sum(&v, 0), 7.0);
        assert_eq!(eigen_sum(&[2.5], 0), 2.5);
        assert_eq!(eigen_sum(&[1.0, 2.0, 4.0], 0), 7.0);
        assert_eq!(eigen_sum(&[], 0), 0.0);
        // An unaligned head is added after the packets: [1e16, -1e16] first, then 1, then 1.
        assert_eq!(eigen_sum(&[1.0, 1e16, -1e16, 1.0], 1), 2.0);
        // Too short to vectorise: left to right.
        assert_eq!(eigen_sum(&[1.0, 2.0], 1), 3.0);
    }
}
