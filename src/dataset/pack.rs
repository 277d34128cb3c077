//! The prepared dataset (`partnermatch pack`): a validated `Dataset` written as one compact
//! binary file that loads by reading it and decoding blocks in parallel, without parsing text
//! or running the cross-body checks again. Owns the format (header, blocks, checksum) and its
//! refusals; it does not decide where files go (the CLI writes through `write_atomic`).
//!
//! Layout, all integers little-endian:
//!
//! ```text
//! 0   magic "PMDPACK\0"
//! 8   u32 format version (FORMAT_VERSION)
//! 12  u32 reserved (0)
//! 16  u64 vocabulary fingerprint: the names of every closed vocabulary in order, hashed, so a
//!         file written by a build whose enumerations differ is refused, not misread
//! 24  u64 number of bodies
//! 32  u64 payload length in bytes
//! 40  u32 CRC-32 of bytes 0..40 and of the payload
//! 44  u32 reserved (0)
//! 48  payload: u32 number of blocks, then each block's end offset (u64, from the first
//!     block's start), then the blocks; a block holds up to BLOCK bodies, in id order
//! ```
//!
//! A body is its fields in declaration order: strings as a LEB128 length and UTF-8 bytes,
//! options as a 0/1 byte and the value, lists as a LEB128 count and the items, enumerations as
//! their position in `Enumeration::all()`, floats as their 8 bytes. The checksum catches a
//! damaged or truncated file; decoding still checks every value and every reference, so a file
//! that passes the checksum but was written by something else cannot produce an invalid
//! dataset (it is refused as damaged).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::Dataset;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::model::{
    Barrier, ControlType, CriteriaOrder, Criterion, Enumeration, Kind, LatLon, Organisation,
    OrganisationId, Partnership, Party, Payback, PoliticalControl, Reason, Sector, Service,
    ServiceSet, Severity, Status, Tier,
};

/// The first eight bytes of every pack.
pub const MAGIC: &[u8; 8] = b"PMDPACK\0";

/// The version of the layout; a file of another version is refused (re-run `pack`).
pub const FORMAT_VERSION: u32 = 1;

/// The conventional extension of a pack (`national.pmd`).
pub const EXTENSION: &str = "pmd";

/// Bodies per block: blocks are encoded and decoded in parallel.
const BLOCK: usize = 8192;

const HEADER_LEN: usize = 48;

/// Whether the bytes start like a pack (used to recognise one whatever its extension).
pub fn is_pack(start: &[u8]) -> bool {
    start.starts_with(MAGIC)
}

/// Writes a dataset as a pack. The bytes depend only on the dataset (and the format version),
/// not on the thread count.
pub fn to_bytes(dataset: &Dataset) -> Vec<u8> {
    let blocks: Vec<Vec<u8>> = dataset
        .organisations()
        .par_chunks(BLOCK)
        .map(|block| {
            let mut out = Vec::with_capacity(block.len() * 256);
            for o in block {
                encode(&mut out, o);
            }
            out
        })
        .collect();
    let mut payload =
        Vec::with_capacity(4 + 8 * blocks.len() + blocks.iter().map(Vec::len).sum::<usize>());
    payload.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
    let mut end = 0u64;
    for block in &blocks {
        end += block.len() as u64;
        payload.extend_from_slice(&end.to_le_bytes());
    }
    for block in &blocks {
        payload.extend_from_slice(block);
    }
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&vocabulary_fingerprint().to_le_bytes());
    out.extend_from_slice(&(dataset.len() as u64).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    let crc = checksum(&out, &payload);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Reads a pack from a file. The header and block table are read first; then each block is
/// read (at its offset), checksummed and decoded on the pool, so the file is never held whole
/// next to the bodies decoded from it (on a national pack, a quarter of a gigabyte less at the
/// peak).
pub fn load(path: &Path) -> Result<Dataset, Diagnostics> {
    let refuse = |problem: String| {
        Diagnostics::from(
            Diagnostic::new(Location::file(path), problem)
                .help(format!("re-run `partnermatch pack` to rebuild {}", path.display())),
        )
    };
    let unreadable = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::new(
            Location::file(path),
            format!("cannot read the file: {e}"),
        ))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let file_len = file.metadata().map_err(unreadable)?.len();
    let read_at = |range: std::ops::Range<u64>| -> std::io::Result<Vec<u8>> {
        let mut buffer = vec![0u8; (range.end - range.start) as usize];
        read_exact_at(&file, &mut buffer, range.start)?;
        Ok(buffer)
    };
    decode_from(file_len, &read_at, path.display().to_string()).map_err(|e| match e {
        Failure::Io(e) => unreadable(e),
        Failure::Pack(problem) => refuse(problem.to_string()),
    })
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    // Without positioned reads, blocks take turns on one handle.
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buffer)
}

/// Why a pack was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// Not a pack at all.
    #[error("not a partnermatch pack (the file does not start with the pack signature)")]
    Foreign,
    /// Shorter than its header says.
    #[error("the pack is truncated: {0}")]
    Truncated(String),
    /// Written by a build with another layout.
    #[error("the pack has format version {found}, but this build reads version {FORMAT_VERSION}")]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// Written by a build whose vocabularies (sectors, kinds, services, ...) differ.
    #[error("the pack was written by a build with different vocabularies (kinds, services, ...)")]
    Vocabulary,
    /// The checksum does not match the contents.
    #[error("the pack is damaged: its checksum does not match its contents")]
    Checksum,
    /// The contents are not a valid dataset although the checksum matches.
    #[error("the pack is damaged: {0}")]
    Invalid(String),
}

/// Decodes a pack held in memory; `description` names it in the dataset.
pub fn from_bytes(bytes: &[u8], description: String) -> Result<Dataset, PackError> {
    let read_at = |range: std::ops::Range<u64>| -> std::io::Result<Vec<u8>> {
        Ok(bytes[range.start as usize..range.end as usize].to_vec())
    };
    decode_from(bytes.len() as u64, &read_at, description).map_err(|e| match e {
        Failure::Pack(problem) => problem,
        Failure::Io(e) => PackError::Invalid(e.to_string()),
    })
}

/// A refusal, or a failure to read the file at all.
enum Failure {
    Pack(PackError),
    Io(std::io::Error),
}

impl From<PackError> for Failure {
    fn from(problem: PackError) -> Self {
        Failure::Pack(problem)
    }
}

type ReadAt<'a> = dyn Fn(std::ops::Range<u64>) -> std::io::Result<Vec<u8>> + Sync + 'a;

/// Decodes a pack of `len` bytes read through `read_at` (byte ranges within `0..len`).
fn decode_from(len: u64, read_at: &ReadAt<'_>, description: String) -> Result<Dataset, Failure> {
    let start = read_at(0..len.min(HEADER_LEN as u64)).map_err(Failure::Io)?;
    if start.len() < MAGIC.len() || !is_pack(&start) {
        return Err(PackError::Foreign.into());
    }
    if start.len() < HEADER_LEN {
        return Err(PackError::Truncated(format!(
            "{} bytes, shorter than the {HEADER_LEN}-byte header",
            start.len()
        ))
        .into());
    }
    let header = &start[..HEADER_LEN];
    let u32_at = |at: usize| {
        u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(PackError::Version { found: version }.into());
    }
    let n_bodies = u64_at(24);
    let payload_len = u64_at(32);
    let available = len - HEADER_LEN as u64;
    if payload_len > available {
        return Err(PackError::Truncated(format!(
            "{available} bytes of contents where the header announces {payload_len}"
        ))
        .into());
    }
    if payload_len < available {
        return Err(PackError::Invalid(format!(
            "{} bytes after the announced end of the contents",
            available - payload_len
        ))
        .into());
    }
    let invalid = |what: &str| PackError::Invalid(what.to_owned());
    // Until the checksum is known to match, a problem in the contents is reported as damage.
    let damaged = || Failure::Pack(PackError::Checksum);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&header[..40]);
    let h = HEADER_LEN as u64;
    let count = read_at(h..h + 4.min(payload_len)).map_err(Failure::Io)?;
    if count.len() < 4 {
        return Err(damaged());
    }
    let n_blocks = u64::from(u32::from_le_bytes([count[0], count[1], count[2], count[3]]));
    let blocks_start = 4 + 8 * n_blocks;
    if n_blocks != n_bodies.div_ceil(BLOCK as u64) || blocks_start > payload_len {
        return Err(damaged());
    }
    let table = read_at(h + 4..h + blocks_start).map_err(Failure::Io)?;
    crc.update(&count);
    crc.update(&table);
    let mut ranges = Vec::with_capacity(n_blocks as usize);
    let mut from = 0u64;
    for entry in table.chunks_exact(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(entry);
        let end = u64::from_le_bytes(b);
        if end < from || blocks_start + end > payload_len {
            return Err(damaged());
        }
        ranges.push(h + blocks_start + from..h + blocks_start + end);
        from = end;
    }
    if blocks_start + from != payload_len {
        return Err(damaged());
    }
    let n_bodies = n_bodies as usize;
    type Decoded = (crc32fast::Hasher, Result<Vec<Organisation>, String>);
    let blocks: Vec<Decoded> = ranges
        .into_par_iter()
        .enumerate()
        .map(|(k, range)| -> std::io::Result<Decoded> {
            let bytes = read_at(range)?;
            let mut crc = crc32fast::Hasher::new();
            crc.update(&bytes);
            let count = BLOCK.min(n_bodies - k * BLOCK);
            let mut cursor = Cursor { bytes: &bytes, at: 0 };
            let decoded = (0..count).map(|_| decode(&mut cursor)).collect::<Read<Vec<_>>>();
            let decoded = decoded.and_then(|orgs| {
                if cursor.at == bytes.len() {
                    Ok(orgs)
                } else {
                    Err("a block holds more than its bodies".to_owned())
                }
            });
            Ok((crc, decoded))
        })
        .collect::<std::io::Result<_>>()
        .map_err(Failure::Io)?;
    for (block_crc, _) in &blocks {
        crc.combine(block_crc);
    }
    if crc.finalize() != u32_at(40) {
        return Err(damaged());
    }
    // Checked after the checksum: a damaged file is reported as damaged, not as stale.
    if u64_at(16) != vocabulary_fingerprint() {
        return Err(PackError::Vocabulary.into());
    }
    let mut decoded = Vec::with_capacity(blocks.len());
    for (_, block) in blocks {
        decoded.push(block.map_err(|e| invalid(&e))?);
    }
    // Sized from what was decoded, not from the header's count.
    let mut organisations = Vec::with_capacity(decoded.iter().map(Vec::len).sum());
    for block in decoded {
        organisations.extend(block);
    }
    if organisations.windows(2).any(|w| w[0].id >= w[1].id) {
        return Err(invalid("the bodies are not in strictly increasing id order").into());
    }
    let dataset = Dataset::sorted(organisations, description);
    check_references(&dataset).map_err(PackError::Invalid)?;
    Ok(dataset)
}

/// What the cross-checks of `Dataset::from_parsed` guarantee, checked again cheaply: every
/// reference names a body of the file other than the body itself, and parents form no cycle.
fn check_references(dataset: &Dataset) -> Result<(), String> {
    let orgs = dataset.organisations();
    orgs.par_iter().enumerate().try_for_each(|(i, o)| {
        let check = |id: &OrganisationId, what: &str| match dataset.index_of(id) {
            Some(j) if j != i => Ok(()),
            Some(_) => Err(format!("body {} names itself as its {what}", o.id)),
            None => Err(format!("body {} names an unknown {what} {id}", o.id)),
        };
        o.parent.iter().try_for_each(|id| check(id, "parent"))?;
        o.within.iter().try_for_each(|id| check(id, "containing area"))?;
        o.within_shares.keys().try_for_each(|id| check(id, "containing area"))?;
        o.neighbours.iter().try_for_each(|id| check(id, "neighbour"))?;
        o.partnerships.iter().flatten().try_for_each(|p| check(&p.partner, "partner"))
    })?;
    // Parent chains: 0 unvisited, 1 on the current chain, 2 known to end.
    let mut state = vec![0u8; orgs.len()];
    for start in 0..orgs.len() {
        let mut chain = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                2 => break,
                1 => return Err(format!("the parents of body {} form a cycle", orgs[i].id)),
                _ => {}
            }
            state[i] = 1;
            chain.push(i);
            at = orgs[i].parent.as_ref().and_then(|p| dataset.index_of(p));
        }
        for i in chain {
            state[i] = 2;
        }
    }
    Ok(())
}

fn checksum(header: &[u8], payload: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(header);
    hasher.update(payload);
    hasher.finalize()
}

/// A hash (FNV-1a, 64 bits) of the names of every closed vocabulary, in order: enumerations are
/// stored by position, so a build that added, removed or reordered a value must not read a
/// file written by another.
pub fn vocabulary_fingerprint() -> u64 {
    fn names<T: Enumeration>(hash: &mut u64) {
        for byte in T::WHAT.bytes().chain(T::all().iter().flat_map(|v| v.name().bytes().chain([0])))
        {
            *hash ^= u64::from(byte);
            *hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    names::<Sector>(&mut hash);
    names::<Kind>(&mut hash);
    names::<Tier>(&mut hash);
    names::<Status>(&mut hash);
    names::<Reason>(&mut hash);
    names::<Barrier>(&mut hash);
    names::<Service>(&mut hash);
    names::<Party>(&mut hash);
    names::<ControlType>(&mut hash);
    names::<Payback>(&mut hash);
    names::<Criterion>(&mut hash);
    hash
}

// ---- encoding -------------------------------------------------------------------------------

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn string(out: &mut Vec<u8>, text: &str) {
    varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn opt_string(out: &mut Vec<u8>, text: &Option<String>) {
    match text {
        Some(t) => {
            out.push(1);
            string(out, t);
        }
        None => out.push(0),
    }
}

fn float(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn opt_float(out: &mut Vec<u8>, value: Option<f64>) {
    match value {
        Some(v) => {
            out.push(1);
            float(out, v);
        }
        None => out.push(0),
    }
}

fn position<T: Enumeration>(value: T) -> u8 {
    T::all().iter().position(|v| *v == value).unwrap_or(0) as u8
}

fn opt_enum<T: Enumeration>(out: &mut Vec<u8>, value: Option<T>) {
    out.push(value.map_or(u8::MAX, position));
}

fn ids(out: &mut Vec<u8>, ids: &[OrganisationId]) {
    varint(out, ids.len() as u64);
    for id in ids {
        string(out, id.as_str());
    }
}

fn encode(out: &mut Vec<u8>, o: &Organisation) {
    string(out, o.id.as_str());
    string(out, &o.name);
    opt_string(out, &o.short_name);
    varint(out, o.aliases.len() as u64);
    for alias in &o.aliases {
        string(out, alias);
    }
    out.push(position(o.sector));
    opt_enum(out, o.kind);
    opt_enum(out, o.tier);
    out.push(position(o.status));
    opt_string(out, &o.nation);
    opt_string(out, &o.region);
    match &o.parent {
        Some(id) => {
            out.push(1);
            string(out, id.as_str());
        }
        None => out.push(0),
    }
    opt_string(out, &o.police_force_area);
    opt_string(out, &o.combined_authority);
    ids(out, &o.within);
    varint(out, o.within_shares.len() as u64);
    for (id, share) in &o.within_shares {
        string(out, id.as_str());
        float(out, *share);
    }
    opt_string(out, &o.community_safety_partnership);
    float(out, o.location.lat);
    float(out, o.location.lon);
    match o.population {
        Some(p) => {
            out.push(1);
            varint(out, p);
        }
        None => out.push(0),
    }
    opt_float(out, o.budget_gbp);
    opt_float(out, o.area_km2);
    opt_string(out, &o.rural_urban);
    match &o.political_control {
        Some(pc) => {
            out.push(1);
            opt_enum(out, pc.lead_party);
            out.push(position(pc.control));
            opt_string(out, &pc.label);
            opt_string(out, &pc.as_of);
        }
        None => out.push(0),
    }
    match &o.reasons {
        Some(reasons) => {
            out.push(1);
            varint(out, reasons.len() as u64);
            out.extend(reasons.iter().map(|r| position(*r)));
        }
        None => out.push(0),
    }
    match &o.barriers {
        Some(barriers) => {
            out.push(1);
            varint(out, barriers.len() as u64);
            for (barrier, severity) in barriers {
                out.push(position(*barrier));
                float(out, severity.get());
            }
        }
        None => out.push(0),
    }
    for set in [o.services_sought, o.services_offered] {
        match set {
            Some(s) => {
                out.push(1);
                varint(out, s.bits());
            }
            None => out.push(0),
        }
    }
    match &o.partnerships {
        Some(partnerships) => {
            out.push(1);
            varint(out, partnerships.len() as u64);
            for p in partnerships {
                string(out, p.partner.as_str());
                varint(out, p.services.bits());
                match p.since {
                    Some(year) => {
                        out.push(1);
                        out.extend_from_slice(&year.to_le_bytes());
                    }
                    None => out.push(0),
                }
                opt_string(out, &p.name);
                opt_string(out, &p.kind);
                opt_string(out, &p.source);
            }
        }
        None => out.push(0),
    }
    ids(out, &o.neighbours);
    match &o.ict {
        Some(ict) => {
            out.push(1);
            varint(out, ict.len() as u64);
            for (service, product) in ict {
                out.push(position(*service));
                string(out, product);
            }
        }
        None => out.push(0),
    }
    opt_enum(out, o.payback);
    match &o.criteria_order {
        Some(order) => {
            out.push(1);
            varint(out, order.positions().len() as u64);
            for tied in order.positions() {
                varint(out, tied.len() as u64);
                out.extend(tied.iter().map(|c| position(*c)));
            }
        }
        None => out.push(0),
    }
    opt_string(out, &o.notes);
}

// ---- decoding -------------------------------------------------------------------------------

/// A position in a block; every read checks the bounds and says what it was reading.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

type Read<T> = Result<T, String>;

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Read<&[u8]> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| "a body ends past its block".to_owned())?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Read<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Read<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Read<u64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    fn varint(&mut self) -> Read<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number is too long".to_owned())
    }

    /// A count of items, each at least one byte long: more than the bytes left is damage (and
    /// would otherwise reserve absurd memory).
    fn count(&mut self) -> Read<usize> {
        let n = self.varint()?;
        if n > (self.bytes.len() - self.at) as u64 {
            return Err("a list is longer than its block".to_owned());
        }
        Ok(n as usize)
    }

    fn flag(&mut self) -> Read<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(format!("a presence byte is {b}, not 0 or 1")),
        }
    }

    fn str(&mut self) -> Read<&str> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| "a text is not UTF-8".to_owned())
    }

    fn string(&mut self) -> Read<String> {
        self.str().map(str::to_owned)
    }

    fn opt_string(&mut self) -> Read<Option<String>> {
        if self.flag()? { self.string().map(Some) } else { Ok(None) }
    }

    fn id(&mut self) -> Read<OrganisationId> {
        OrganisationId::new(self.str()?)
    }

    fn ids(&mut self) -> Read<Vec<OrganisationId>> {
        let n = self.count()?;
        (0..n).map(|_| self.id()).collect()
    }

    fn float(&mut self) -> Read<f64> {
        self.u64().map(f64::from_bits)
    }

    fn opt_float(&mut self) -> Read<Option<f64>> {
        if self.flag()? { self.float().map(Some) } else { Ok(None) }
    }

    fn enumeration<T: Enumeration>(&mut self) -> Read<T> {
        let at = self.byte()?;
        T::all().get(usize::from(at)).copied().ok_or_else(|| format!("no {} number {at}", T::WHAT))
    }

    fn opt_enum<T: Enumeration>(&mut self) -> Read<Option<T>> {
        match self.byte()? {
            u8::MAX => Ok(None),
            at => T::all()
                .get(usize::from(at))
                .copied()
                .map(Some)
                .ok_or_else(|| format!("no {} number {at}", T::WHAT)),
        }
    }

    fn services(&mut self) -> Read<ServiceSet> {
        let bits = self.varint()?;
        let set = ServiceSet::from_bits(bits);
        if set.bits() != bits {
            return Err("a service set names an unknown service".to_owned());
        }
        Ok(set)
    }
}

fn decode(c: &mut Cursor<'_>) -> Read<Organisation> {
    let id = c.id()?;
    let name = c.string()?;
    let short_name = c.opt_string()?;
    let n = c.count()?;
    let aliases = (0..n).map(|_| c.string()).collect::<Read<_>>()?;
    let sector = c.enumeration()?;
    let kind = c.opt_enum()?;
    let tier = c.opt_enum()?;
    let status = c.enumeration()?;
    let nation = c.opt_string()?;
    let region = c.opt_string()?;
    let parent = if c.flag()? { Some(c.id()?) } else { None };
    let police_force_area = c.opt_string()?;
    let combined_authority = c.opt_string()?;
    let within = c.ids()?;
    let n = c.count()?;
    let mut within_shares = BTreeMap::new();
    for _ in 0..n {
        let id = c.id()?;
        let share = c.float()?;
        if !(share.is_finite() && share > 0.0 && share <= 1.0) {
            return Err(format!("body {id}: a share of {share}"));
        }
        within_shares.insert(id, share);
    }
    let community_safety_partnership = c.opt_string()?;
    let lat = c.float()?;
    let lon = c.float()?;
    let location = LatLon::new(lat, lon)?;
    let population = if c.flag()? { Some(c.varint()?) } else { None };
    let budget_gbp = c.opt_float()?;
    let area_km2 = c.opt_float()?;
    let rural_urban = c.opt_string()?;
    let political_control = if c.flag()? {
        Some(PoliticalControl {
            lead_party: c.opt_enum()?,
            control: c.enumeration()?,
            label: c.opt_string()?,
            as_of: c.opt_string()?,
        })
    } else {
        None
    };
    let reasons = if c.flag()? {
        let n = c.count()?;
        Some((0..n).map(|_| c.enumeration()).collect::<Read<Vec<Reason>>>()?)
    } else {
        None
    };
    let barriers = if c.flag()? {
        let n = c.count()?;
        let mut barriers = BTreeMap::new();
        for _ in 0..n {
            let barrier: Barrier = c.enumeration()?;
            barriers.insert(barrier, Severity::new(c.float()?)?);
        }
        Some(barriers)
    } else {
        None
    };
    let services_sought = if c.flag()? { Some(c.services()?) } else { None };
    let services_offered = if c.flag()? { Some(c.services()?) } else { None };
    let partnerships = if c.flag()? {
        let n = c.count()?;
        let mut list = Vec::with_capacity(n);
        for _ in 0..n {
            let partner = c.id()?;
            let services = c.services()?;
            let since = if c.flag()? { Some(c.u32()? as i32) } else { None };
            list.push(Partnership {
                partner,
                services,
                since,
                name: c.opt_string()?,
                kind: c.opt_string()?,
                source: c.opt_string()?,
            });
        }
        Some(list)
    } else {
        None
    };
    let neighbours = c.ids()?;
    let ict = if c.flag()? {
        let n = c.count()?;
        let mut ict = BTreeMap::new();
        for _ in 0..n {
            let service: Service = c.enumeration()?;
            ict.insert(service, c.string()?);
        }
        Some(ict)
    } else {
        None
    };
    let payback = c.opt_enum()?;
    let criteria_order = if c.flag()? {
        let n = c.count()?;
        let mut positions = Vec::with_capacity(n);
        for _ in 0..n {
            let m = c.count()?;
            positions.push((0..m).map(|_| c.enumeration()).collect::<Read<Vec<Criterion>>>()?);
        }
        Some(CriteriaOrder::new(positions)?)
    } else {
        None
    };
    let notes = c.opt_string()?;
    Ok(Organisation {
        id,
        name,
        short_name,
        aliases,
        sector,
        kind,
        tier,
        status,
        nation,
        region,
        parent,
        police_force_area,
        combined_authority,
        within,
        within_shares,
        community_safety_partnership,
        location,
        population,
        budget_gbp,
        area_km2,
        rural_urban,
        political_control,
        reasons,
        barriers,
        services_sought,
        services_offered,
        partnerships,
        neighbours,
        ict,
        payback,
        criteria_order,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Dataset {
        let settings = crate::synth::Settings::new(3_000, 1, crate::synth::Like::Uk).unwrap();
        crate::synth::generate(&settings).to_dataset().unwrap()
    }

    #[test]
    fn a_pack_round_trips_to_an_equal_dataset() {
        let dataset = sample();
        let bytes = to_bytes(&dataset);
        let back = from_bytes(&bytes, "x".to_owned()).unwrap();
        assert_eq!(back.organisations(), dataset.organisations());
        // The embedded UK data uses fields the synthetic data leaves empty.
        let uk = Dataset::embedded().unwrap();
        let back = from_bytes(&to_bytes(&uk), "uk".to_owned()).unwrap();
        assert_eq!(back.organisations(), uk.organisations());
    }

    #[test]
    fn damaged_truncated_and_foreign_packs_are_refused() {
        let bytes = to_bytes(&sample());
        for cut in [0, 7, 20, 47, 48, bytes.len() / 2, bytes.len() - 1] {
            assert!(from_bytes(&bytes[..cut], String::new()).is_err(), "cut at {cut}");
        }
        for at in [HEADER_LEN + 3, bytes.len() / 3, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x10;
            assert_eq!(from_bytes(&damaged, String::new()).unwrap_err(), PackError::Checksum);
        }
        let mut version = bytes.clone();
        version[8] = 9;
        assert_eq!(
            from_bytes(&version, String::new()).unwrap_err(),
            PackError::Version { found: 9 }
        );
        assert_eq!(from_bytes(b"id,name\nA,B\n", String::new()).unwrap_err(), PackError::Foreign);
    }

    #[test]
    fn a_forged_body_count_with_a_good_checksum_is_refused() {
        let mut bytes = to_bytes(&sample());
        bytes[24..32].copy_from_slice(&(1u64 << 40).to_le_bytes());
        let crc = checksum(&bytes[..40], &bytes[HEADER_LEN..]);
        bytes[40..44].copy_from_slice(&crc.to_le_bytes());
        assert!(from_bytes(&bytes, String::new()).is_err());
    }

    #[test]
    fn a_pack_with_a_good_checksum_but_bad_contents_is_refused() {
        // A single body whose parent is itself, with a freshly computed checksum.
        let mut o = Organisation::new(
            OrganisationId::new("A").unwrap(),
            "A".to_owned(),
            Sector::LocalGovernment,
            LatLon::new(51.0, 0.0).unwrap(),
        );
        o.parent = Some(o.id.clone());
        let dataset = Dataset::sorted(vec![o], "x");
        let err = from_bytes(&to_bytes(&dataset), String::new()).unwrap_err();
        assert!(err.to_string().contains("names itself as its parent"), "{err}");
    }
}
