//! `[[correlations]]`: rank correlations between uncertain fields. The matrix maths
//! (validity, repair, factor) is in `model/copula.rs`.

use super::{Reader, Tbl, Val, type_name};
use crate::model::copula;
use crate::model::diag::nearest;
use crate::model::{Copula, Correlation, ParamId};
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
        let mut fields: Vec<String> = Vec::new();
        for t in &tables {
            self.check_keys(t, &["between", "rank"]);
            let ids = self.correlation_fields(t, &paths, &uncertain);
            let rank = self.correlation_rank(t);
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
                spans.push(t.get("rank").map_or(t.span.clone(), |v| v.span()));
                fields.push(t.field("rank"));
            }
        }
        if out.is_empty() || self.has_errors() {
            return (out, None);
        }
        let places: Vec<(Range<usize>, String)> = spans.into_iter().zip(fields).collect();
        let copula = self.copula(&mut out, &places, &paths);
        (out, copula)
    }

    /// `between`: the two fields of a correlation with their spans; fewer than two
    /// after an error.
    fn correlation_fields(
        &mut self,
        t: &Tbl<'_, '_>,
        paths: &[String],
        uncertain: &[String],
    ) -> Vec<(ParamId, Range<usize>)> {
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
                        if let Some(id) = self.correlation_field(item, field, paths, uncertain) {
                            ids.push((id, item.span()));
                        }
                    }
                }
                other => {
                    let found = match other {
                        DeValue::Array(items) => format!("an array of {} items", items.len()),
                        o => type_name(o),
                    };
                    self.error(Some(v.span()), t.field("between"), format!("expected two field paths, found {found}"));
                }
            },
        }
        ids
    }

    /// One field path of `between` (at `field`): an uncertain field of the scenario.
    fn correlation_field(
        &mut self,
        item: &Val<'_>,
        field: String,
        paths: &[String],
        uncertain: &[String],
    ) -> Option<ParamId> {
        let DeValue::String(path) = item.get_ref() else {
            self.error(Some(item.span()), field, "expected a field path (a string)");
            return None;
        };
        match paths.iter().position(|p| p == path.as_ref()) {
            Some(k) if self.params[k].dist.as_fixed().is_some() => {
                self.error(
                    Some(item.span()),
                    field,
                    format!("`{path}` is a fixed number in the file; only uncertain fields can be correlated"),
                )
                .help = Some("give it a distribution, or drop this correlation".into());
                None
            }
            Some(k) => Some(ParamId(k)),
            None => {
                let help = if path.ends_with(".deal_size") {
                    "deal sizes are drawn once per deal, not once per year, so they cannot be correlated".to_string()
                } else {
                    match nearest(path, uncertain.iter().map(String::as_str)) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => "correlations name uncertain fields by their path, e.g. `coverage.key.direct.hit_rate`"
                            .into(),
                    }
                };
                self.error(Some(item.span()), field, format!("`{path}` is not an uncertain field of this scenario"))
                    .help = Some(help);
                None
            }
        }
    }

    /// `rank`: a rank correlation in [−1, 1].
    fn correlation_rank(&mut self, t: &Tbl<'_, '_>) -> Option<f64> {
        match t.get("rank") {
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
        }
    }

    /// The Gaussian copula of `out`, pairs each valid on its own; `places` are
    /// the span and path of each pair's `rank` in its `[[correlations]]` table.
    /// If they cannot all hold at once, an error at the first naming the pairs
    /// involved or, with `repair_correlations`, the nearest valid matrix: each
    /// rank in `out` moves to match it, with a warning at each table whose rank
    /// moved.
    fn copula(
        &mut self,
        out: &mut [Correlation],
        places: &[(Range<usize>, String)],
        paths: &[String],
    ) -> Option<Copula> {
        let span = places[0].0.clone();
        // The matrix of the fields involved, in order of first mention.
        let members = copula::members(out);
        let at = |id: ParamId| copula::position(&members, id);
        let mut m = copula::matrix(out, &members);
        if let Some(v) = copula::conflict(&m) {
            if !self.repair_correlations {
                let involved: Vec<String> = out
                    .iter()
                    .filter(|c| v[at(c.a)].abs() > 0.2 && v[at(c.b)].abs() > 0.2)
                    .map(|c| format!("{} – {} ({})", paths[c.a.0], paths[c.b.0], c.rank))
                    .collect();
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
                return None;
            }
            m = copula::nearest_valid(&m);
            let warned = self.diags.len();
            for (c, (span, field)) in out.iter_mut().zip(places) {
                let repaired = copula::rank_correlation(m[(at(c.a), at(c.b))]);
                if format!("{:.3}", c.rank) != format!("{repaired:.3}") {
                    self.warn(
                        Some(span.clone()),
                        field.clone(),
                        format!(
                            "rank {:.3} → {repaired:.3} for {} – {}: the correlations cannot all hold at once, so \
                             --repair-correlations uses the nearest valid matrix",
                            c.rank, paths[c.a.0], paths[c.b.0]
                        ),
                    );
                }
                c.rank = repaired;
            }
            if self.diags.len() == warned {
                self.warn(
                    Some(span),
                    "correlations",
                    "the correlations cannot all hold at once; --repair-correlations uses the nearest valid matrix, \
                     which moves no rank by 0.001 or more",
                );
            }
        }
        Some(copula::copula(members, m))
    }
}
