//! The kind-fit table: how compatible two kinds of body are as partners, in [0, 1], symmetric.
//! Each figure is a judgement from the evidence named beside it, documented in
//! `docs/scoring.md`; the ordering matters more than the exact numbers.

use crate::model::{Kind, Sector};

/// Coarse families of kinds that share functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// UK councils doing both tiers' work (unitary, metropolitan, London, Scottish, Welsh, NI).
    SingleTier,
    /// English district (lower tier).
    LowerTier,
    /// English county (upper tier).
    UpperTier,
    /// Combined authority.
    Combined,
    /// Parish, town or community council.
    Parish,
    /// US county.
    UsCounty,
    /// US municipality or township (general-purpose local government).
    UsGeneral,
    /// US special district.
    UsSpecial,
    /// US school district.
    UsSchool,
    /// Police force or commissioner.
    Police,
    /// Fire and rescue.
    Fire,
    /// Ambulance trust (blue light and NHS).
    Ambulance,
    /// NHS trust or health board (providers).
    NhsProvider,
    /// Integrated care board (planning NHS services with councils).
    NhsCommissioner,
    /// Central government.
    Central,
    /// Anything else.
    Other,
}

fn family(kind: Kind) -> Family {
    use Kind::*;
    match kind {
        Unitary
        | MetropolitanDistrict
        | LondonBorough
        | CityOfLondon
        | ScottishCouncil
        | WelshPrincipalArea
        | NorthernIrelandDistrict => Family::SingleTier,
        District => Family::LowerTier,
        County => Family::UpperTier,
        CombinedAuthority => Family::Combined,
        ParishCouncil => Family::Parish,
        UsCounty => Family::UsCounty,
        Municipality | Township => Family::UsGeneral,
        SpecialDistrict => Family::UsSpecial,
        SchoolDistrict => Family::UsSchool,
        PoliceForce | PoliceAndCrimeCommissioner => Family::Police,
        FireAndRescueAuthority => Family::Fire,
        AmbulanceTrust => Family::Ambulance,
        NhsTrust | HealthBoard => Family::NhsProvider,
        IntegratedCareBoard => Family::NhsCommissioner,
        Department | Agency => Family::Central,
        OtherBody => Family::Other,
    }
}

/// Kind fit of a county council and a district council that lies in it: the two tiers of one
/// area's local government, which divide its services between them by statute (Local
/// Government Act 1972; the district bills the council tax the county precepts, LGFA 1992; the
/// district collects the waste the county disposes of, EPA 1990 ss.45, 51), so they fit as
/// closely as two bodies of one kind. Cross-validated on real partnerships (`docs/validity.md`):
/// 1 beats the cross-tier table value 0.6 for a county and its own districts.
pub const TWO_TIERS_OF_ONE_AREA: f64 = 1.0;

/// Whether two kinds are a county and a district (`TWO_TIERS_OF_ONE_AREA` applies when the
/// district lies in that county).
#[inline]
pub fn county_and_district(a: Kind, b: Kind) -> bool {
    matches!((a, b), (Kind::County, Kind::District) | (Kind::District, Kind::County))
}

/// Kind fit of two kinds, symmetric, in [0, 1]. The whole table is published in
/// `docs/scoring.md`, and a test checks the two agree cell by cell.
pub fn kind_fit(a: Kind, b: Kind) -> f64 {
    if a == b {
        // Same tier and type: the strongest organisational similarity (Dixon & Elston 2020);
        // district–district pairs dominate the LGA shared services map.
        return 1.0;
    }
    let (fa, fb) = (family(a), family(b));
    let pair = if (fa as u8) <= (fb as u8) { (fa, fb) } else { (fb, fa) };
    use Family::*;
    match pair {
        // Different single-tier types (a unitary and a London borough) do the same work.
        (SingleTier, SingleTier) => 0.9,
        // A police force and its commissioner, two NHS providers, a department and its agency.
        (Police, Police) | (NhsProvider, NhsProvider) | (Central, Central) => 0.8,
        // Municipalities and townships: general-purpose local government (US Census).
        (UsGeneral, UsGeneral) => 0.9,
        // Blue-light collaboration duty (Policing and Crime Act 2017): police, fire, ambulance.
        (Police, Fire) | (Police, Ambulance) | (Fire, Ambulance) => 0.9,
        // Single-tier councils deliver district services (LGA map: district–unitary sharing).
        (SingleTier, LowerTier) => 0.7,
        // Upper-tier services (social care, highways) are shared by counties and unitaries.
        (SingleTier, UpperTier) => 0.8,
        // Two-tier working between a county and its districts.
        (LowerTier, UpperTier) => 0.6,
        // Integrated care boards plan with upper-tier and single-tier councils (Health and
        // Care Act 2022).
        (SingleTier | UpperTier, NhsCommissioner) => 0.7,
        (NhsProvider | Ambulance, NhsCommissioner) | (Ambulance, NhsProvider) => 0.8,
        (SingleTier | UpperTier, NhsProvider) => 0.5,
        // Many fire and rescue services were, or are, run by county councils.
        (UpperTier, Fire) => 0.6,
        (SingleTier, Fire) => 0.5,
        (LowerTier, Fire) => 0.4,
        // Community safety partnerships join police and councils.
        (SingleTier | LowerTier | UpperTier, Police) => 0.4,
        (SingleTier | LowerTier | UpperTier, Combined) => 0.5,
        (SingleTier | LowerTier, Parish) => 0.4,
        (UpperTier, Parish) => 0.3,
        // US local government.
        (UsCounty, UsGeneral) => 0.6,
        (UsCounty | UsGeneral, UsSpecial) => 0.5,
        (UsCounty | UsGeneral | UsSpecial, UsSchool) => 0.3,
        (LowerTier, NhsCommissioner | NhsProvider | Ambulance) => 0.3,
        (SingleTier | UpperTier | Combined | Parish, Ambulance) => 0.4,
        // Central government with any other family, `Other` included (the pair is sorted, so
        // central government can come first).
        (_, Central) | (Central, _) => 0.2,
        _ => 0.3,
    }
}

/// Sector fit, used when a kind is not known: same sector 0.7, the blue-light sectors 0.9 with
/// each other, and lower figures across sectors, as in `kind_fit`.
pub fn sector_fit(a: Sector, b: Sector) -> f64 {
    use Sector::*;
    if a == b {
        return 0.7;
    }
    let pair = if (a as u8) <= (b as u8) { (a, b) } else { (b, a) };
    match pair {
        (Police, Fire) => 0.9,
        (Police | Fire, Health) => 0.6,
        (LocalGovernment, Health | Fire) => 0.5,
        (LocalGovernment, Police) => 0.4,
        // Central government with any other sector, `Other` included (the pair is sorted).
        (_, CentralGovernment) | (CentralGovernment, _) => 0.2,
        _ => 0.3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Enumeration;

    #[test]
    fn the_table_is_symmetric_and_in_range_with_same_kinds_highest() {
        for a in Kind::all() {
            for b in Kind::all() {
                let v = kind_fit(*a, *b);
                assert!((0.0..=1.0).contains(&v));
                assert!((v - kind_fit(*b, *a)).abs() < 1e-15, "{a:?} {b:?}");
                assert!(v <= kind_fit(*a, *a));
            }
        }
        for a in Sector::all() {
            for b in Sector::all() {
                assert!((sector_fit(*a, *b) - sector_fit(*b, *a)).abs() < 1e-15);
            }
        }
    }

    /// The family abbreviations and names the published table uses.
    fn family_label(f: Family) -> (&'static str, &'static str) {
        match f {
            Family::SingleTier => ("ST", "single-tier council"),
            Family::LowerTier => ("D", "district council"),
            Family::UpperTier => ("C", "county council"),
            Family::Combined => ("CA", "combined authority"),
            Family::Parish => ("Par", "parish council"),
            Family::UsCounty => ("USC", "US county"),
            Family::UsGeneral => ("USG", "US general-purpose"),
            Family::UsSpecial => ("USS", "US special district"),
            Family::UsSchool => ("USD", "US school district"),
            Family::Police => ("Pol", "police"),
            Family::Fire => ("Fire", "fire and rescue"),
            Family::Ambulance => ("Amb", "ambulance trust"),
            Family::NhsProvider => ("NHS", "NHS provider"),
            Family::NhsCommissioner => ("ICB", "integrated care board"),
            Family::Central => ("Gov", "central government"),
            Family::Other => ("Oth", "other body"),
        }
    }

    fn number(v: f64) -> String {
        format!("{v}")
    }

    /// The kind-fit and sector-fit tables as `docs/scoring.md` publishes them, generated from
    /// the code: the families with their kinds, the family matrix, the sector matrix.
    fn published_tables() -> String {
        let mut families: Vec<(Family, Vec<Kind>)> = Vec::new();
        for k in Kind::all() {
            match families.iter_mut().find(|(f, _)| *f == family(*k)) {
                Some((_, kinds)) => kinds.push(*k),
                None => families.push((family(*k), vec![*k])),
            }
        }
        let mut out = String::from("| family | kinds |\n|---|---|\n");
        for (f, kinds) in &families {
            let (short, name) = family_label(*f);
            let names: Vec<String> = kinds.iter().map(|k| format!("`{}`", k.name())).collect();
            out += &format!("| {short}: {name} | {} |\n", names.join(", "));
        }
        out += "\n|   |";
        for (f, _) in &families {
            out += &format!(" {} |", family_label(*f).0);
        }
        out += "\n|---|";
        out += &"---|".repeat(families.len());
        out += "\n";
        for (f, fk) in &families {
            out += &format!("| **{}** |", family_label(*f).0);
            for (_, gk) in &families {
                // Two different kinds of the families (one kind alone: the same kind, 1).
                let pair =
                    fk.iter().flat_map(|a| gk.iter().map(move |b| (*a, *b))).find(|(a, b)| a != b);
                let v = pair.map_or(1.0, |(a, b)| kind_fit(a, b));
                out += &format!(" {} |", number(v));
            }
            out += "\n";
        }
        out += "\n| sector |";
        for s in Sector::all() {
            out += &format!(" {} |", s.name());
        }
        out += "\n|---|";
        out += &"---|".repeat(Sector::all().len());
        out += "\n";
        for a in Sector::all() {
            out += &format!("| **{}** |", a.name());
            for b in Sector::all() {
                out += &format!(" {} |", number(sector_fit(*a, *b)));
            }
            out += "\n";
        }
        out
    }

    /// `docs/scoring.md` publishes the whole table (issue 22: an implementation written from
    /// the docs alone must match), and it is the code's: every pair of distinct kinds has its
    /// families' value, the same kind 1.
    #[test]
    fn the_published_kind_fit_table_is_the_code_s() {
        for a in Kind::all() {
            for b in Kind::all() {
                let same_families =
                    Kind::all().iter().flat_map(|x| Kind::all().iter().map(move |y| (*x, *y)));
                for (x, y) in same_families {
                    if family(x) == family(*a) && family(y) == family(*b) && x != y && a != b {
                        assert_eq!(
                            kind_fit(x, y).to_bits(),
                            kind_fit(*a, *b).to_bits(),
                            "{a:?} {b:?} {x:?} {y:?}"
                        );
                    }
                }
                if a == b {
                    assert_eq!(kind_fit(*a, *b).to_bits(), 1f64.to_bits());
                }
            }
        }
        let doc = include_str!("../../docs/scoring.md");
        let begin =
            "<!-- kind-fit tables: generated from src/score/kind_fit.rs; a test checks them -->\n";
        let end = "<!-- end of kind-fit tables -->";
        let expected = published_tables();
        let published = doc
            .split_once(begin)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(table, _)| table.trim())
            .unwrap_or_default();
        assert_eq!(
            published,
            expected.trim(),
            "docs/scoring.md should hold, between its markers:\n{expected}"
        );
    }

    #[test]
    fn the_documented_disagreements_are_settled() {
        // Central government with any other body 0.2, whichever way the pair sorts.
        assert_eq!(kind_fit(Kind::Department, Kind::OtherBody).to_bits(), 0.2f64.to_bits());
        assert_eq!(kind_fit(Kind::OtherBody, Kind::Agency).to_bits(), 0.2f64.to_bits());
        assert_eq!(
            sector_fit(Sector::CentralGovernment, Sector::Other).to_bits(),
            0.2f64.to_bits()
        );
        // A district with an ambulance trust: 0.3, as with other NHS bodies (districts deliver
        // no health or care services).
        assert_eq!(kind_fit(Kind::District, Kind::AmbulanceTrust).to_bits(), 0.3f64.to_bits());
    }

    #[test]
    fn evidence_orders_the_pairs() {
        // District–district (the LGA map's most common pair) beats district–county, which beats
        // district–police.
        assert!(kind_fit(Kind::District, Kind::District) > kind_fit(Kind::District, Kind::County));
        assert!(
            kind_fit(Kind::District, Kind::County) > kind_fit(Kind::District, Kind::PoliceForce)
        );
        // The blue-light duty makes police and fire close.
        assert!(kind_fit(Kind::PoliceForce, Kind::FireAndRescueAuthority) >= 0.9);
    }
}
