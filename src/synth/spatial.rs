//! Nearest neighbours on the sphere for the synthetic generator: a static 3-d tree over unit
//! vectors, so that chord length orders pairs exactly as great-circle distance does. Used to
//! give bodies land neighbours without comparing every pair. Owns no randomness: the result
//! depends only on the points, with ties broken by index, never on the tree's layout.

/// A point on the unit sphere for a latitude and longitude in degrees (`libm`, so the same
/// bits on every platform).
pub(super) fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (phi, lambda) = (lat.to_radians(), lon.to_radians());
    let c = libm::cos(phi);
    [c * libm::cos(lambda), c * libm::sin(lambda), libm::sin(phi)]
}

/// The chord between two points of the unit sphere `km` apart along the surface.
pub(super) fn chord_for_km(km: f64) -> f64 {
    2.0 * libm::sin(km / (2.0 * crate::model::EARTH_RADIUS_KM))
}

fn distance2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// Ranges still to visit: `(lo, hi, depth, lower bound of the squared distance)`.
type Stack = Vec<(usize, usize, usize, f64)>;

/// A balanced 3-d tree stored implicitly: the node of the range `lo..hi` is the point at
/// `(lo + hi) / 2`, split on axis `depth % 3`.
///
/// The points are stored in tree order, and queried in tree order, so that a subtree and
/// successive queries touch nearby memory: with a million points, fetching coordinates
/// scattered over memory cost more than the search itself.
struct Tree {
    /// Coordinates in tree order.
    points: Vec<[f64; 3]>,
    /// For each tree position, the index of the point in the input.
    order: Vec<u32>,
}

impl Tree {
    /// Builds the tree in O(n log n) by repeated median selection.
    fn new(input: &[[f64; 3]]) -> Self {
        let mut order: Vec<u32> = (0..input.len() as u32).collect();
        let mut stack = vec![(0usize, input.len(), 0usize)];
        while let Some((lo, hi, depth)) = stack.pop() {
            if hi - lo < 2 {
                continue;
            }
            let mid = (lo + hi) / 2;
            let axis = depth % 3;
            order[lo..hi].select_nth_unstable_by(mid - lo, |a, b| {
                input[*a as usize][axis].total_cmp(&input[*b as usize][axis]).then(a.cmp(b))
            });
            stack.push((lo, mid, depth + 1));
            stack.push((mid + 1, hi, depth + 1));
        }
        let points = order.iter().map(|&i| input[i as usize]).collect();
        Self { points, order }
    }

    /// The `k` points nearest to the point at tree position `query` (itself excluded) within
    /// squared chord `max2`, nearest first, ties by input index; as `(squared chord, input
    /// index)`. `best` and `stack` are reused between calls.
    fn nearest(
        &self,
        query: usize,
        k: usize,
        max2: f64,
        best: &mut Vec<(f64, u32)>,
        stack: &mut Stack,
    ) {
        best.clear();
        stack.clear();
        let q = self.points[query];
        // Each range carries a lower bound on the squared distance of its points.
        stack.push((0, self.order.len(), 0, 0.0));
        while let Some((lo, hi, depth, bound)) = stack.pop() {
            let worst = if best.len() < k { max2 } else { best[best.len() - 1].0 };
            if lo >= hi || bound > worst {
                continue;
            }
            let mid = (lo + hi) / 2;
            let p = self.order[mid];
            let d2 = distance2(&q, &self.points[mid]);
            if mid != query && d2 <= worst {
                let key = (d2, p);
                let at =
                    best.partition_point(|b| b.0.total_cmp(&key.0).then(b.1.cmp(&key.1)).is_lt());
                if at < k {
                    best.insert(at, key);
                    best.truncate(k);
                }
            }
            let axis = depth % 3;
            let diff = q[axis] - self.points[mid][axis];
            let (near, far) =
                if diff < 0.0 { ((lo, mid), (mid + 1, hi)) } else { ((mid + 1, hi), (lo, mid)) };
            // A point beyond the splitting plane is at least `diff²` away (also in floating
            // point: rounding is monotone). Equal distances are still visited, so that ties
            // are settled by index alone.
            stack.push((far.0, far.1, depth + 1, bound.max(diff * diff)));
            stack.push((near.0, near.1, depth + 1, bound));
        }
    }
}

/// The pairs `(i, j)`, `i < j`, such that one of the two is among the other's `k` nearest
/// points within chord `max_chord`: a symmetric, local neighbour relation with degree at most
/// about 7k in the plane. Sorted, without repeats. O(n log n) expected.
pub(super) fn nearest_pairs(points: &[[f64; 3]], k: usize, max_chord: f64) -> Vec<(u32, u32)> {
    if points.len() < 2 || k == 0 {
        return Vec::new();
    }
    let tree = Tree::new(points);
    let max2 = max_chord * max_chord;
    let mut pairs = Vec::with_capacity(points.len() * k);
    let mut best = Vec::with_capacity(k + 1);
    let mut stack = Stack::new();
    for position in 0..points.len() {
        tree.nearest(position, k, max2, &mut best, &mut stack);
        let i = tree.order[position];
        pairs.extend(best.iter().map(|&(_, j)| (i.min(j), i.max(j))));
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same pairs by comparing every pair: the reference for the tree.
    fn brute_force(points: &[[f64; 3]], k: usize, max_chord: f64) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        for i in 0..points.len() {
            let mut near: Vec<(f64, u32)> = (0..points.len())
                .filter(|&j| j != i)
                .map(|j| (distance2(&points[i], &points[j]), j as u32))
                .filter(|(d2, _)| *d2 <= max_chord * max_chord)
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (_, j) in near.into_iter().take(k) {
                pairs.push((i.min(j as usize) as u32, i.max(j as usize) as u32));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    #[test]
    fn small_cases() {
        let p = |lat, lon| unit_vector(lat, lon);
        let far = chord_for_km(1_000.0);
        assert!(nearest_pairs(&[], 4, far).is_empty());
        assert!(nearest_pairs(&[p(51.0, 0.0)], 4, far).is_empty());
        // Three points on a line: each one's nearest is the middle one.
        let line = [p(51.0, 0.0), p(51.0, 0.1), p(51.0, 0.2)];
        assert_eq!(nearest_pairs(&line, 1, far), vec![(0, 1), (1, 2)]);
        // Beyond the radius nothing is a neighbour.
        assert!(nearest_pairs(&line, 4, chord_for_km(1.0)).is_empty());
        // Duplicated points tie at distance zero and are settled by index.
        let same = [p(51.0, 0.0), p(51.0, 0.0), p(51.0, 0.0)];
        assert_eq!(nearest_pairs(&same, 1, far), vec![(0, 1), (0, 2)]);
    }

    #[test]
    fn chords_follow_the_haversine_distance() {
        let a = crate::model::LatLon::new(51.5, -0.12).unwrap();
        let b = crate::model::LatLon::new(53.48, -2.24).unwrap();
        let km = a.distance(b).0;
        let chord = distance2(&unit_vector(a.lat, a.lon), &unit_vector(b.lat, b.lon)).sqrt();
        assert!((chord - chord_for_km(km)).abs() < 1e-9, "{chord} vs {}", chord_for_km(km));
    }

    proptest! {
        #[test]
        fn the_tree_finds_what_comparing_every_pair_finds(
            coords in proptest::collection::vec((50.0f64..52.0, -2.0f64..0.0), 0..120),
            k in 1usize..6,
            radius_km in 1.0f64..200.0,
            // Rounding creates ties, which must be settled the same way.
            round in proptest::bool::ANY,
        ) {
            let points: Vec<[f64; 3]> = coords
                .iter()
                .map(|&(lat, lon)| if round {
                    unit_vector((lat * 10.0).round() / 10.0, (lon * 10.0).round() / 10.0)
                } else {
                    unit_vector(lat, lon)
                })
                .collect();
            let chord = chord_for_km(radius_km);
            prop_assert_eq!(nearest_pairs(&points, k, chord), brute_force(&points, k, chord));
        }
    }
}
