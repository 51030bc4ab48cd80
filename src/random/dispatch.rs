//! The one place that asks the processor what it can do. The vector kernels
//! come in AVX-512, AVX2 and baseline builds of one source, which give the same
//! bits; each entry point picks its build by [`level`].

use std::sync::OnceLock;

/// The vector instruction sets the kernels are built for, narrowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Plain x86-64 (SSE2), or another architecture.
    Baseline,
    /// AVX2.
    Avx2,
    /// AVX-512F.
    Avx512,
}

/// The widest level this processor runs, detected once.
pub fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Level::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Level::Avx2;
            }
        }
        Level::Baseline
    })
}

/// Whether the processor has AVX-512DQ (64-bit multiplies, for seeding lanes).
pub fn has_avx512dq() -> bool {
    static DQ: OnceLock<bool> = OnceLock::new();
    *DQ.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            std::arch::is_x86_feature_detected!("avx512dq")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}
