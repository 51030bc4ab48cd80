//! `[[correlations]]`: rank correlations between uncertain fields.

use super::{Reader, Tbl, type_name};
use crate::model::diag::nearest;
use crate::model::{Copula, Correlation, ParamId, Severity};
use std::ops::Range;
use toml::de::DeValue;

impl Reader {
    /// `[[correlations]]`: pairs of uncertain fields and their rank correlation,
    /// checked one by one, then as a whole (the matrix must be a correlation
    /// matrix), and factored for the Gaussian copula.
    pub(super) fn correlations(&mut self, root: &Tbl<'_, '_>) -> (Vec<Correlation>, Option<Copula>) {
        let tables = self.table_array(root, "correlations");
        let paths: Vec<String> = self.params.iter().map(|p| p.path.clone()).collect();
        let uncertain: Vec<&str> =
            self.params.iter().filter(|p| p.dist.as_fixed().is_none()).map(|p| p.path.as_str()).collect();
        let uncertain: Vec<String> = uncertain.into_iter().map(String::from).collect();
        let mut out: Vec<Correlation> = Vec::new();
        let mut spans: Vec<Range<usize>> = Vec::new();
        for t in &tables {
            self.check_keys(t, &["between", "rank"]);
            let mut ids = Vec::new();
            match t.get("between") {
                None => self.missing(
                    t,
                    "between",
                    "two field paths, e.g. [\"scenario.market_growth\", \"coverage.key.direct.hit_rate\"]",
                ),
                Some(v) => match v.get_ref() {
                    DeValue::Array(items) if items.len() == 2 => {
                        for (i, item) in items.iter().enumerate() {
                            let field = format!("{}[{}]", t.field("between"), i + 1);
                            let DeValue::String(path) = item.get_ref() else {
                                self.error(Some(item.span()), field, "expected a field path (a string)");
                                continue;
                            };
                            match paths.iter().position(|p| p == path.as_ref()) {
                                Some(k) if self.params[k].dist.as_fixed().is_some() => {
                                    self.error(
                                        Some(item.span()),
                                        field,
                                        format!("`{path}` is a fixed number in the file; only uncertain fields can be correlated"),
                                    )
                                    .help = Some("give it a distribution, or drop this correlation".into());
                                }
                                Some(k) => ids.push((ParamId(k), item.span())),
                                None => {
                                    let help = if path.ends_with(".deal_size") {
                                        "deal sizes are drawn once per deal, not once per year, so they cannot be correlated".to_string()
                                    } else {
                                        match nearest(path, uncertain.iter().map(String::as_str)) {
                                            Some(n) => format!("did you mean `{n}`?"),
                                            None => "correlations name uncertain fields by their path, e.g. `coverage.key.direct.hit_rate`".into(),
                                        }
                                    };
                                    self.error(
                                        Some(item.span()),
                                        field,
                                        format!("`{path}` is not an uncertain field of this scenario"),
                                    )
                                    .help = Some(help);
                                }
                            }
                        }
                    }
                    other => {
                        let found = match other {
                            DeValue::Array(items) => format!("an array of {} items", items.len()),
                            o => type_name(o),
                        };
                        self.error(
                            Some(v.span()),
                            t.field("between"),
                            format!("expected two field paths, found {found}"),
                        );
                    }
                },
            }
            let rank = match t.get("rank") {
                None => {
                    self.missing(t, "rank", "a rank correlation between −1 and 1");
                    None
                }
                Some(v) => match self.plain_number(v, &t.field("rank")) {
                    Some(r) if (-1.0..=1.0).contains(&r) => Some(r),
                    Some(r) => {
                        self.error(
                            Some(v.span()),
                            t.field("rank"),
                            format!("a rank correlation lies between −1 and 1, found {r}"),
                        );
                        None
                    }
                    None => None,
                },
            };
            if let ([(a, sa), (b, _)], Some(rank)) = (ids.as_slice(), rank) {
                if a == b {
                    self.error(Some(sa.clone()), t.field("between"), "a field cannot be correlated with itself");
                    continue;
                }
                if let Some(k) = out.iter().position(|c| (c.a == *a && c.b == *b) || (c.a == *b && c.b == *a)) {
                    let first = spans[k].clone();
                    self.error(
                        Some(t.span.clone()),
                        t.field("between"),
                        format!("the pair {} – {} is correlated twice", paths[a.0], paths[b.0]),
                    )
                    .help = Some(format!("keep one of the two entries (the first is at byte {})", first.start));
                    continue;
                }
                out.push(Correlation { a: *a, b: *b, rank });
                spans.push(t.span.clone());
            }
        }
        if out.is_empty() || self.diags.iter().any(|d| d.severity == Severity::Error) {
            return (out, None);
        }
        // The matrix of the fields involved, in order of first mention.
        let mut members: Vec<ParamId> = Vec::new();
        for c in &out {
            for id in [c.a, c.b] {
                if !members.contains(&id) {
                    members.push(id);
                }
            }
        }
        let n = members.len();
        let at = |id: ParamId| members.iter().position(|m| *m == id).expect("member");
        let mut m = nalgebra::DMatrix::<f64>::identity(n, n);
        for c in &out {
            // Spearman's ρ of a Gaussian copula with correlation r is (6/π)·asin(r/2).
            let r = 2.0 * (std::f64::consts::PI * c.rank / 6.0).sin();
            let (i, j) = (at(c.a), at(c.b));
            m[(i, j)] = r;
            m[(j, i)] = r;
        }
        let eigen = nalgebra::SymmetricEigen::new(m.clone());
        let (k_min, lambda_min) = eigen
            .eigenvalues
            .iter()
            .enumerate()
            .fold((0, f64::INFINITY), |acc, (k, l)| if *l < acc.1 { (k, *l) } else { acc });
        let span = spans[0].clone();
        if lambda_min < -1e-9 {
            let v = eigen.eigenvectors.column(k_min);
            let involved: Vec<String> = out
                .iter()
                .filter(|c| v[at(c.a)].abs() > 0.2 && v[at(c.b)].abs() > 0.2)
                .map(|c| format!("{} – {} ({})", paths[c.a.0], paths[c.b.0], c.rank))
                .collect();
            if !self.repair_correlations {
                self.error(
                    Some(span),
                    "correlations",
                    format!(
                        "these correlations cannot all hold at once (their matrix is not positive semi-definite): {}",
                        involved.join(", ")
                    ),
                )
                .help = Some(
                    "loosen one of them, or run with --repair-correlations to use the nearest valid matrix".into(),
                );
                return (out, None);
            }
            // Nearest valid matrix: clip the negative eigenvalues, rescale to a unit diagonal.
            let clipped = eigen.eigenvalues.map(|l| l.max(1e-6));
            let a = &eigen.eigenvectors * nalgebra::DMatrix::from_diagonal(&clipped) * eigen.eigenvectors.transpose();
            let d: Vec<f64> = (0..n).map(|i| a[(i, i)].sqrt()).collect();
            m = nalgebra::DMatrix::from_fn(n, n, |i, j| a[(i, j)] / (d[i] * d[j]));
            let mut moves = Vec::new();
            for c in out.iter_mut() {
                let r = m[(at(c.a), at(c.b))];
                let repaired = 6.0 / std::f64::consts::PI * (r / 2.0).asin();
                moves.push(format!("{} – {}: {:.3} → {:.3}", paths[c.a.0], paths[c.b.0], c.rank, repaired));
                c.rank = repaired;
            }
            self.warn(
                Some(span),
                "correlations",
                format!("the correlations were inconsistent; using the nearest valid matrix: {}", moves.join("; ")),
            );
        }
        // Factor: Cholesky where positive definite, else (a rank ±1 makes the
        // matrix singular) from the eigen-decomposition.
        let factor = match nalgebra::Cholesky::new(m.clone()) {
            Some(ch) => ch.l(),
            None => {
                let e = nalgebra::SymmetricEigen::new(m);
                &e.eigenvectors * nalgebra::DMatrix::from_diagonal(&e.eigenvalues.map(|l| l.max(0.0).sqrt()))
            }
        };
        let factor = (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| factor[(i, j)]).collect();
        (out, Some(Copula { params: members, factor }))
    }
}
