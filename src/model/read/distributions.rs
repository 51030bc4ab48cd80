//! Numbers and distribution tables of uncertain fields.

use super::{Reader, Tbl, Val, type_name};
use crate::model::ParamId;
use crate::model::diag::nearest;
use crate::model::dist::Dist;
use crate::model::schema::{Family, Field};
use toml::de::DeValue;

impl Reader {
    /// An uncertain field: a number or a distribution table. Registers it as a
    /// parameter named `param_path`; a missing optional field takes `default`.
    pub(super) fn uncertain(
        &mut self,
        t: &Tbl<'_, '_>,
        field: &Field,
        param_path: &str,
        default: Option<f64>,
    ) -> Option<ParamId> {
        let key = field.key;
        let dist = match t.get(key) {
            None => match default {
                Some(x) => Dist::fixed(x).ok()?,
                None => {
                    self.missing(t, key, "a number or a distribution table");
                    return None;
                }
            },
            Some(v) => self.dist(v, t.field(key), field)?,
        };
        Some(self.add_param(format!("{param_path}.{key}"), dist))
    }

    /// A number or a distribution table, checked against its field's domain and
    /// scale.
    pub(super) fn dist(&mut self, v: &Val<'_>, path: String, field: &Field) -> Option<Dist> {
        let dist = match v.get_ref() {
            DeValue::Table(map) => {
                let t = Tbl { map, span: v.span(), path: path.clone() };
                self.dist_table(&t)?
            }
            _ => {
                let x = self.plain_number(v, &path)?;
                Dist::fixed(x).ok()?
            }
        };
        if self.check_domain(&dist, field, v.span(), &path) { Some(dist) } else { None }
    }

    /// A distribution table: `dist = "…"` and the parameters of that family.
    fn dist_table(&mut self, t: &Tbl<'_, '_>) -> Option<Dist> {
        let family = self.dist_name(t)?;
        let name = family.name();
        self.check_keys(t, family.keys());
        let errors_before = self.diags.len();
        let num = |r: &mut Reader, key: &str, required: bool| -> Option<f64> {
            match t.get(key) {
                None => {
                    if required && !r.misspelt(t, key) {
                        r.error(
                            Some(t.span.clone()),
                            t.field(key),
                            format!("missing `{key}` for a {name} distribution"),
                        );
                    }
                    None
                }
                Some(v) => r.plain_number(v, &t.field(key)),
            }
        };
        let built = match family {
            Family::Fixed => num(self, "value", true).map(Dist::fixed),
            Family::Uniform => match (num(self, "min", true), num(self, "max", true)) {
                (Some(a), Some(b)) => Some(Dist::uniform(a, b)),
                _ => None,
            },
            Family::Triangular | Family::Pert => {
                match (num(self, "min", true), num(self, "mode", true), num(self, "max", true)) {
                    (Some(a), Some(m), Some(b)) if family == Family::Pert => Some(Dist::pert(a, m, b)),
                    (Some(a), Some(m), Some(b)) => Some(Dist::triangular(a, m, b)),
                    _ => None,
                }
            }
            Family::Normal => {
                let mean = num(self, "mean", true);
                let sd = num(self, "sd", true);
                let min = num(self, "min", false);
                let max = num(self, "max", false);
                match (mean, sd) {
                    (Some(m), Some(s)) => Some(Dist::normal(m, s, min, max)),
                    _ => None,
                }
            }
            Family::LogNormal => {
                let by_median = t.get("median").is_some() || t.get("p90").is_some();
                let by_mean = t.get("mean").is_some() || t.get("sd").is_some();
                if by_median && by_mean {
                    self.error(
                        Some(t.span.clone()),
                        t.path.clone(),
                        "a lognormal is given either by median and p90 or by mean and sd, not both",
                    );
                    None
                } else if by_mean {
                    match (num(self, "mean", true), num(self, "sd", true)) {
                        (Some(m), Some(s)) => Some(Dist::lognormal_mean_sd(m, s)),
                        _ => None,
                    }
                } else {
                    match (num(self, "median", true), num(self, "p90", true)) {
                        (Some(m), Some(p)) => Some(Dist::lognormal_median_p90(m, p)),
                        _ => None,
                    }
                }
            }
            Family::Beta | Family::Gamma => match (num(self, "mean", true), num(self, "sd", true)) {
                (Some(m), Some(s)) if family == Family::Beta => Some(Dist::beta(m, s)),
                (Some(m), Some(s)) => Some(Dist::gamma(m, s)),
                _ => None,
            },
            Family::Discrete => {
                let values = self.number_list(t, "values");
                let weights = self.number_list(t, "weights");
                match (values, weights) {
                    (Some(v), Some(w)) => Some(Dist::discrete(v, w)),
                    _ => None,
                }
            }
        };
        if self.diags.len() > errors_before {
            return None;
        }
        match built? {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(Some(t.span.clone()), t.path.clone(), message);
                None
            }
        }
    }

    /// The family of a distribution table: its `dist`, one of [`Family::ALL`].
    fn dist_name(&mut self, t: &Tbl<'_, '_>) -> Option<Family> {
        let names = Family::ALL.map(Family::name);
        let Some(v) = t.get("dist") else {
            self.error(Some(t.span.clone()), t.field("dist"), "a distribution table needs `dist = \"…\"`").help =
                Some(format!("one of: {}", names.join(", ")));
            return None;
        };
        match v.get_ref() {
            DeValue::String(s) if Family::parse(s).is_some() => Family::parse(s),
            DeValue::String(s) => {
                let help = match nearest(s, names) {
                    Some(n) => format!("did you mean \"{n}\"?"),
                    None => format!("one of: {}", names.join(", ")),
                };
                self.error(Some(v.span()), t.field("dist"), format!("unknown distribution \"{s}\"")).help = Some(help);
                None
            }
            other => {
                let found = type_name(other);
                self.error(Some(v.span()), t.field("dist"), format!("expected a distribution name, found {found}"));
                None
            }
        }
    }
}
