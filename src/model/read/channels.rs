//! `[channels.NAME]`: people (direct, telesales), reseller and online channels.

use super::{Reader, Tbl, type_name};
use crate::model::diag::nearest;
use crate::model::schema;
use crate::model::{Addition, Channel, ChannelKind, ChannelModel, Online, People, Reseller};
use toml::Spanned;
use toml::de::DeValue;

/// Largest headcount, partner count, hire or recruit batch.
const MAX_HEADS: u64 = 1_000_000;
/// Largest ramp, lag or onboarding, in periods.
const MAX_LAG: u64 = 10_000;

/// A channel as far as it could be read.
pub(super) struct ChannelEntry {
    pub(super) name: Option<String>,
    pub(super) kind: Option<ChannelKind>,
    pub(super) channel: Option<Channel>,
}

impl Reader {
    /// The channels with their name and kind when those are valid (see `segments`).
    pub(super) fn channels(&mut self, root: &Tbl<'_, '_>) -> Vec<ChannelEntry> {
        let Some(v) = root.get("channels") else { return Vec::new() };
        let Some(all) = self.table(v, "channels".into()) else { return Vec::new() };
        let mut out = Vec::new();
        for (key, value) in all.map.iter() {
            let name = Spanned::new(key.span(), key.get_ref().to_string());
            let path = format!("channels.{}", name.get_ref());
            let name_ok = self.identifier(&name, path.clone());
            let valid_name = name_ok.then(|| name.get_ref().clone());
            let Some(t) = self.table(value, path.clone()) else {
                out.push(ChannelEntry { name: valid_name, kind: None, channel: None });
                continue;
            };
            let kind = match self.string(&t, "kind", true) {
                None => None,
                Some(k) => match ChannelKind::parse(k.get_ref()) {
                    Some(kind) => Some(kind),
                    None => {
                        let other = k.get_ref().as_str();
                        let kinds = ChannelKind::ALL.map(ChannelKind::as_str);
                        let help = match nearest(other, kinds) {
                            Some(n) => format!("did you mean \"{n}\"?"),
                            None => format!("one of: {}", kinds.join(", ")),
                        };
                        self.error(Some(k.span()), t.field("kind"), format!("unknown channel kind \"{other}\"")).help =
                            Some(help);
                        None
                    }
                },
            };
            let Some(kind) = kind else {
                out.push(ChannelEntry { name: valid_name, kind: None, channel: None });
                continue;
            };
            self.channel_keys(&t, kind, &kind.section().keys());
            let label = self.string(&t, "label", false).map(Spanned::into_inner);
            let model = match kind {
                ChannelKind::Direct | ChannelKind::Telesales => self.people(&t, &path).map(ChannelModel::People),
                ChannelKind::Reseller => self.reseller(&t, &path).map(ChannelModel::Reseller),
                ChannelKind::Online => self.online(&t, &path).map(ChannelModel::Online),
            };
            let channel = match (model, name_ok) {
                (Some(model), true) => {
                    let name = name.into_inner();
                    Some(Channel { label: label.unwrap_or_else(|| name.clone()), name, kind, model })
                }
                _ => None,
            };
            out.push(ChannelEntry { name: valid_name, kind: Some(kind), channel });
        }
        if out.is_empty() {
            self.error(Some(v.span()), "channels", "no channels: add at least one [channels.NAME] table");
        }
        out
    }

    /// Unknown keys of a channel; a key of another kind gets a specific message.
    fn channel_keys(&mut self, t: &Tbl<'_, '_>, kind: ChannelKind, allowed: &[&str]) {
        for (key, _) in t.map.iter() {
            let name: &str = key.get_ref();
            if allowed.contains(&name) {
                continue;
            }
            // The kinds whose fields include the key ("direct and telesales").
            let owners: Vec<&str> = ChannelKind::ALL
                .into_iter()
                .filter(|k| k.section().field(name).is_some())
                .map(ChannelKind::as_str)
                .collect();
            let takes = format!("a {} channel takes: {}", kind.as_str(), allowed[2..].join(", "));
            if !owners.is_empty() {
                let owner = owners.join(" and ");
                let message = format!(
                    "`{name}` is a field of {owner} channels, but this channel is kind = \"{}\"",
                    kind.as_str()
                );
                self.error(Some(key.span()), t.field(name), message).help = Some(takes);
                continue;
            }
            let d = self.error(Some(key.span()), t.field(name), format!("unknown field `{name}`"));
            d.help = Some(match nearest(name, allowed.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None => takes,
            });
        }
    }

    /// `hires` / `recruits`: an array of `{ period, <count_key> }` tables.
    fn additions(&mut self, t: &Tbl<'_, '_>, key: &str, count_key: &str) -> Option<Vec<Addition>> {
        let Some(v) = t.get(key) else { return Some(Vec::new()) };
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            self.error(
                Some(v.span()),
                t.field(key),
                format!("expected an array like [{{ period = 7, {count_key} = 2 }}], found {found}"),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{}]", t.field(key), i + 1);
            let Some(row) = self.table(item, path) else {
                ok = false;
                continue;
            };
            self.check_keys(&row, &["period", count_key]);
            let period = match row.get("period") {
                Some(p) => self.period(p, row.field("period")),
                None => {
                    self.missing(&row, "period", "the period they join");
                    None
                }
            };
            let count = self.integer(&row, count_key, true, 0, MAX_HEADS);
            match (period, count) {
                (Some(period), Some(count)) => out.push(Addition { period, count }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn people(&mut self, t: &Tbl<'_, '_>, path: &str) -> Option<People> {
        let headcount = self.integer(t, "headcount", true, 0, MAX_HEADS);
        let hours_per_fte = match t.get("hours_per_fte") {
            None => {
                self.missing(t, "hours_per_fte", "productive selling hours per FTE per year");
                None
            }
            Some(_) => match self.number(t, schema::PEOPLE.get("hours_per_fte")) {
                Some(h) if h > 0.0 => Some(h),
                Some(_) => {
                    let span = t.get("hours_per_fte").map(Spanned::span);
                    self.error(
                        span,
                        t.field("hours_per_fte"),
                        "must be > 0: a person with no selling hours adds no capacity",
                    )
                    .help = Some("typical values are 1,200 to 1,600 hours per year".into());
                    None
                }
                None => None,
            },
        };
        let cost_per_fte = match t.get("cost_per_fte") {
            None => {
                self.missing(t, "cost_per_fte", "fully loaded cost per FTE per year");
                None
            }
            Some(_) => self.number(t, schema::PEOPLE.get("cost_per_fte")),
        };
        let attrition = self.uncertain(t, schema::PEOPLE.get("attrition"), path, Some(0.0));
        let backfill = self.boolean(t, "backfill", false);
        let hiring_lag = self.integer(t, "hiring_lag", false, 0, MAX_LAG).unwrap_or(0) as usize;
        let ramp = self.integer(t, "ramp", false, 0, MAX_LAG).unwrap_or(0) as usize;
        let hires = self.additions(t, "hires", "headcount");
        let cost_per_opportunity = self.number_or(t, schema::PEOPLE.get("cost_per_opportunity"), 0.0);
        Some(People {
            headcount: headcount?,
            hours_per_fte: hours_per_fte?,
            cost_per_fte: cost_per_fte?,
            attrition: attrition?,
            backfill,
            hiring_lag,
            ramp,
            hires: hires?,
            cost_per_opportunity: cost_per_opportunity?,
        })
    }

    fn reseller(&mut self, t: &Tbl<'_, '_>, path: &str) -> Option<Reseller> {
        let partners = self.integer(t, "partners", true, 0, MAX_HEADS);
        let opp = self.uncertain(t, schema::RESELLER.get("opportunities_per_partner"), path, None);
        let margin = self.uncertain(t, schema::RESELLER.get("partner_margin"), path, Some(0.0));
        let incentives = self.uncertain(t, schema::RESELLER.get("incentives"), path, Some(0.0));
        let churn = self.uncertain(t, schema::RESELLER.get("partner_churn"), path, Some(0.0));
        let onboarding = self.integer(t, "onboarding", false, 0, MAX_LAG).unwrap_or(0) as usize;
        let recruits = self.additions(t, "recruits", "partners");
        let recruit_cost = self.number_or(t, schema::RESELLER.get("recruit_cost"), 0.0);
        let program_cost = self.number_or(t, schema::RESELLER.get("program_cost"), 0.0);
        Some(Reseller {
            partners: partners?,
            opportunities_per_partner: opp?,
            partner_margin: margin?,
            incentives: incentives?,
            partner_churn: churn?,
            onboarding,
            recruits: recruits?,
            recruit_cost: recruit_cost?,
            program_cost: program_cost?,
        })
    }

    fn online(&mut self, t: &Tbl<'_, '_>, path: &str) -> Option<Online> {
        let fee = self.uncertain(t, schema::ONLINE.get("fee"), path, Some(0.0));
        let cost_per_order = self.number_or(t, schema::ONLINE.get("cost_per_order"), 0.0);
        let platform_cost = self.number_or(t, schema::ONLINE.get("platform_cost"), 0.0);
        let capacity = self.number_or(t, schema::ONLINE.get("orders_capacity"), 0.0);
        Some(Online {
            fee: fee?,
            cost_per_order: cost_per_order?,
            platform_cost: platform_cost?,
            orders_capacity: capacity.map(|c| (c > 0.0).then_some(c))?,
        })
    }
}
