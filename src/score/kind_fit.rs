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

/// Kind fit of two kinds, symmetric, in [0, 1].
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
        (_, Central) => 0.2,
        (_, Other) => 0.3,
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
        (_, CentralGovernment) => 0.2,
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
