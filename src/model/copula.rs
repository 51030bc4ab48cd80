//! The maths of `[[correlations]]`: from rank correlations to a Gaussian copula.
//!
//! The file gives Spearman rank correlations between uncertain fields. The copula
//! correlates standard normals instead, so each rank is turned into the correlation
//! of the normals that produces it, and the pairs fill a matrix over the fields
//! involved. That matrix must be a correlation matrix (positive semi-definite); if
//! it is not, the reader refuses the file or, when asked to, uses the nearest valid
//! matrix. The engine multiplies independent normals by a factor of the matrix.

use super::{Copula, Correlation, ParamId};
use nalgebra::{Cholesky, DMatrix, DVector, SymmetricEigen};
use std::f64::consts::PI;

/// How far below zero the smallest eigenvalue may fall (rounding) for the matrix to
/// still count as positive semi-definite.
const TOLERANCE: f64 = 1e-9;

/// Smallest eigenvalue of a repaired matrix, which keeps it positive definite.
const FLOOR: f64 = 1e-6;

/// The fields of `correlations` in order of first mention, each once: the order of
/// the matrix.
pub(super) fn members(correlations: &[Correlation]) -> Vec<ParamId> {
    let mut members: Vec<ParamId> = Vec::new();
    for c in correlations {
        for id in [c.a, c.b] {
            if !members.contains(&id) {
                members.push(id);
            }
        }
    }
    members
}

/// The row and column of field `id` in the matrix over `members`.
///
/// Panics if `id` is not a member.
pub(super) fn position(members: &[ParamId], id: ParamId) -> usize {
    members.iter().position(|m| *m == id).expect("member")
}

/// The correlation `r` of two standard normals whose Gaussian copula has Spearman's
/// rank correlation `rank`: Spearman's ρ of a Gaussian copula with correlation r is
/// (6/π)·asin(r/2), so r = 2·sin(π·ρ/6). The inverse of [`rank_correlation`].
pub(super) fn normal_correlation(rank: f64) -> f64 {
    2.0 * (PI * rank / 6.0).sin()
}

/// Spearman's rank correlation of a Gaussian copula whose normals have correlation
/// `r`: (6/π)·asin(r/2). The inverse of [`normal_correlation`].
pub(super) fn rank_correlation(r: f64) -> f64 {
    6.0 / PI * (r / 2.0).asin()
}

/// The correlation matrix of the normals over `members` (see [`members`]): a unit
/// diagonal, each pair of `correlations` at its two symmetric places, 0 elsewhere.
pub(super) fn matrix(correlations: &[Correlation], members: &[ParamId]) -> DMatrix<f64> {
    let n = members.len();
    let mut m = DMatrix::<f64>::identity(n, n);
    for c in correlations {
        let r = normal_correlation(c.rank);
        let (i, j) = (position(members, c.a), position(members, c.b));
        m[(i, j)] = r;
        m[(j, i)] = r;
    }
    m
}

/// `None` if the symmetric matrix `m` is positive semi-definite (its smallest
/// eigenvalue is at least −1e-9), so the correlations can all hold at once.
/// Otherwise the eigenvector of its smallest eigenvalue: its large entries point at
/// the fields whose correlations contradict each other.
pub(super) fn conflict(m: &DMatrix<f64>) -> Option<DVector<f64>> {
    let eigen = SymmetricEigen::new(m.clone());
    let (k_min, lambda_min) = eigen
        .eigenvalues
        .iter()
        .enumerate()
        .fold((0, f64::INFINITY), |acc, (k, l)| if *l < acc.1 { (k, *l) } else { acc });
    (lambda_min < -TOLERANCE).then(|| eigen.eigenvectors.column(k_min).into_owned())
}

/// The nearest valid correlation matrix to the symmetric matrix `m`: its negative
/// eigenvalues clipped to a small positive floor, then rescaled to a unit diagonal.
pub(super) fn nearest_valid(m: &DMatrix<f64>) -> DMatrix<f64> {
    let n = m.nrows();
    let eigen = SymmetricEigen::new(m.clone());
    let clipped = eigen.eigenvalues.map(|l| l.max(FLOOR));
    let a = &eigen.eigenvectors * DMatrix::from_diagonal(&clipped) * eigen.eigenvectors.transpose();
    let d: Vec<f64> = (0..n).map(|i| a[(i, i)].sqrt()).collect();
    DMatrix::from_fn(n, n, |i, j| a[(i, j)] / (d[i] * d[j]))
}

/// A factor L of the valid correlation matrix `m`, with L·Lᵀ = m: the Cholesky
/// factor where `m` is positive definite, else (a rank of ±1 makes the matrix
/// singular) one from the eigen-decomposition, V·√Λ.
pub(super) fn factor(m: DMatrix<f64>) -> DMatrix<f64> {
    match Cholesky::new(m.clone()) {
        Some(ch) => ch.l(),
        None => {
            let e = SymmetricEigen::new(m);
            &e.eigenvectors * DMatrix::from_diagonal(&e.eigenvalues.map(|l| l.max(0.0).sqrt()))
        }
    }
}

/// The Gaussian copula of `members` with the valid correlation matrix `m` (in the
/// same order): the fields and the factor of `m`, row-major.
pub(super) fn copula(members: Vec<ParamId>, m: DMatrix<f64>) -> Copula {
    let n = members.len();
    let factor = factor(m);
    let factor = (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| factor[(i, j)]).collect();
    Copula { params: members, factor }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: usize, b: usize, rank: f64) -> Correlation {
        Correlation { a: ParamId(a), b: ParamId(b), rank }
    }

    fn close(a: &DMatrix<f64>, b: &DMatrix<f64>) -> bool {
        a.shape() == b.shape() && a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    #[test]
    fn rank_and_normal_correlations_are_inverse() {
        for rank in [-1.0, -0.7, -0.2, 0.0, 0.3, 0.5, 0.9, 1.0] {
            let r = normal_correlation(rank);
            assert!((-1.0 - 1e-12..=1.0 + 1e-12).contains(&r), "{rank} → {r}");
            assert!((rank_correlation(r) - rank).abs() < 1e-12, "{rank}");
        }
        assert_eq!(normal_correlation(0.0), 0.0);
        assert!((normal_correlation(1.0) - 1.0).abs() < 1e-15);
        // A normal correlation is a little larger in size than the rank it gives.
        assert!(normal_correlation(0.5) > 0.5);
    }

    #[test]
    fn members_keep_the_order_of_first_mention() {
        let pairs = [pair(4, 2, 0.5), pair(2, 7, 0.1), pair(7, 4, -0.3)];
        assert_eq!(members(&pairs), vec![ParamId(4), ParamId(2), ParamId(7)]);
        assert_eq!(position(&members(&pairs), ParamId(7)), 2);
    }

    #[test]
    fn matrix_is_symmetric_with_a_unit_diagonal() {
        let pairs = [pair(0, 1, 0.5), pair(2, 1, -0.3)];
        let m = matrix(&pairs, &members(&pairs));
        assert_eq!(m.shape(), (3, 3));
        assert_eq!(m, m.transpose());
        assert!((0..3).all(|i| m[(i, i)] == 1.0));
        assert_eq!(m[(0, 1)], normal_correlation(0.5));
        assert_eq!(m[(1, 2)], normal_correlation(-0.3));
        assert_eq!(m[(0, 2)], 0.0);
    }

    #[test]
    fn contradicting_correlations_are_found_and_repaired() {
        // a ~ b and b ~ c strongly, but a and c opposed: impossible at once.
        let bad = [pair(0, 1, 0.9), pair(1, 2, 0.9), pair(0, 2, -0.9)];
        let m = matrix(&bad, &members(&bad));
        let v = conflict(&m).expect("not positive semi-definite");
        assert!(v.iter().all(|x| x.abs() > 0.2), "all three fields are involved: {v}");
        let fixed = nearest_valid(&m);
        assert!(conflict(&fixed).is_none());
        assert!(close(&fixed, &fixed.transpose()));
        assert!((0..3).all(|i| (fixed[(i, i)] - 1.0).abs() < 1e-12));
        // The repair moves the opposed pair towards consistency.
        assert!(fixed[(0, 2)] > m[(0, 2)]);

        let good = [pair(0, 1, 0.5), pair(1, 2, 0.5), pair(0, 2, 0.2)];
        assert!(conflict(&matrix(&good, &members(&good))).is_none());
    }

    #[test]
    fn factor_reproduces_the_matrix_even_when_singular() {
        let pairs = [pair(0, 1, 0.6), pair(1, 2, -0.4)];
        let m = matrix(&pairs, &members(&pairs));
        let l = factor(m.clone());
        assert!(close(&(&l * l.transpose()), &m));
        assert!((0..3).all(|i| (i + 1..3).all(|j| l[(i, j)] == 0.0)), "Cholesky is lower triangular");
        // Ranks of ±1 can make the matrix singular: no Cholesky factor, the eigen one.
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 1.0, 1.0]);
        assert!(Cholesky::new(m.clone()).is_none());
        let l = factor(m.clone());
        assert!(close(&(&l * l.transpose()), &m));
    }

    #[test]
    fn copula_holds_the_factor_row_major() {
        let pairs = [pair(3, 5, 0.4)];
        let members = members(&pairs);
        let m = matrix(&pairs, &members);
        let l = factor(m.clone());
        let c = copula(members.clone(), m);
        assert_eq!(c.params, members);
        assert_eq!(c.factor, vec![l[(0, 0)], l[(0, 1)], l[(1, 0)], l[(1, 1)]]);
    }
}
