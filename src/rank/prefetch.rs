//! A cache prefetch hint, one of the crate's two audited uses of `unsafe` (the other is the
//! call of `rank::lanes`'s AVX-512 path): `std::hint::prefetch_read` does the same as a safe
//! function but is not yet stable, and the SSE intrinsic behind it is an `unsafe fn`. The walk in `all` asks for the tree nodes it will bound next, which at
//! national scale (a tree of tens of megabytes) would otherwise arrive from memory only when
//! read (`BENCHMARKS.md`). A hint changes no result. No I/O.

/// Cache lines are 64 bytes on every x86-64 processor.
const LINE: usize = 64;

/// Asks the processor to bring `value`'s memory into its caches, ahead of a read. A hint
/// only: nothing is read, nothing can fault, and nothing happens on targets other than x86-64.
#[inline(always)]
#[allow(unsafe_code)]
pub fn prefetch<T: ?Sized>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = std::ptr::from_ref(value).cast::<i8>();
        for offset in (0..size_of_val(value)).step_by(LINE) {
            // SAFETY: `prefetcht0` (SSE, on every x86-64 processor) only hints at the cache: it
            // does not read the memory, it never faults, even for an invalid address, and this
            // address is within `value`, a live reference.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefetching_reads_and_changes_nothing() {
        // Empty, odd-sized, unaligned and large values: a hint for each, and the data as it was.
        let big: Vec<u64> = (0..100_000).collect();
        let bytes = [1u8, 2, 3];
        prefetch(&big[..]);
        prefetch(&big[7..9]);
        prefetch(&bytes[1..]);
        prefetch(&[0u8; 0][..]);
        prefetch(&());
        prefetch("text");
        assert_eq!(big.iter().sum::<u64>(), 99_999 * 100_000 / 2);
        assert_eq!(bytes, [1, 2, 3]);
    }
}
