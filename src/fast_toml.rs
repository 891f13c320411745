//! A quicker way from TOML text to a typed record, for documents of the plain shape partner files
//! have: key/value pairs, `[table]` and `[[array.of.tables]]` headers, strings, booleans, dates,
//! arrays and inline tables.
//!
//! `toml::from_str` lexes into tokens, parses them into events, builds a general document tree
//! (a `BTreeMap` per table, every key and value spanned) and deserializes from that: about
//! 42 µs for a 2.7 KB partner file, about 40 % of `eval`'s CPU time on 10,000 of them. This
//! reader takes the plain subset of TOML that partner files are written in, in one pass over the
//! bytes, into a flat tree of borrowed strings, and deserializes from that: about 17 µs.
//!
//! It is only a fast path, not a TOML parser. It answers `None` as soon as the text leaves the
//! plain subset, valid TOML or not: escapes, literal and multi-line strings, quoted or dotted
//! keys, numbers, times, a header naming a table that already exists, any syntax or type error.
//! The caller then uses `toml` itself. Whenever it answers `Some`, the value is the one
//! `toml::from_str` gives: `tests/fast_toml.rs` holds it to that on every bundled partner file
//! and on thousands of mutations of them.

use serde::de::{self, DeserializeOwned, IntoDeserializer};

/// Deserialize `text`, or `None` when this fast path cannot vouch for the result (see the module
/// documentation); then use `toml::from_str`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let root = parse_document(text)?;
    T::deserialize(ValueDeserializer(Value::Table(root, TableKind::Defined))).ok()
}

/// A value of a `[[table]]` entry, as `import` compares entries: a string's text, a date (never
/// with a time: those leave the plain subset), or anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar<'i> {
    Text(&'i str),
    Date(toml_datetime::Datetime),
    Other,
}

/// The entries of the top-level array of tables `name` (`[[name]]`), each as its keys and values
/// in document order, when `text` is valid TOML of the plain subset; an empty list when `text`
/// has no `name`. `None` says nothing (see the module documentation) — nor does it when `name` is
/// something else than an array of tables. `import` relies on it to know the whole document is
/// valid and which entries it has, without parsing it with toml_edit.
pub fn tables_of<'i>(text: &'i str, name: &str) -> Option<Vec<Vec<(&'i str, Scalar<'i>)>>> {
    let root = parse_document(text)?;
    let Some((_, value)) = root.into_iter().find(|(k, _)| *k == name) else {
        return Some(Vec::new());
    };
    let Value::Array(items, ArrayKind::Tables) = value else {
        return None;
    };
    let scalar = |v: Value<'i>| match v {
        Value::String(s) => Scalar::Text(s),
        Value::Datetime(d) => Scalar::Date(d),
        _ => Scalar::Other,
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::Table(entries, _) => {
                Some(entries.into_iter().map(|(k, v)| (k, scalar(v))).collect())
            }
            _ => None,
        })
        .collect()
}

type Entries<'i> = Vec<(&'i str, Value<'i>)>;

/// A parsed value. Tables keep their entries in document order; duplicates are refused while
/// building, so lookups by key are unambiguous.
enum Value<'i> {
    String(&'i str),
    Boolean(bool),
    Datetime(toml_datetime::Datetime),
    Array(Vec<Value<'i>>, ArrayKind),
    Table(Entries<'i>, TableKind),
}

/// How a table came to be; decides whether a later header may extend it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TableKind {
    /// Created as a parent of a header's table (`a` of `[a.b]`).
    Implicit,
    /// Opened by its own header (or the root).
    Defined,
    /// Written inline (`{ … }`): closed to headers.
    Inline,
}

/// Whether an array was written inline or grows by `[[header]]`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ArrayKind {
    Inline,
    Tables,
}

/// `[table]` or `[[array-of-tables]]`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    Table,
    ArrayOfTables,
}

/// The deepest nesting of arrays and inline tables, and the most keys in a header, taken here;
/// deeper documents go to `toml`. This also bounds the recursion of deserializing and dropping.
const MAX_DEPTH: usize = 16;

fn parse_document(text: &str) -> Option<Entries<'_>> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut root: Entries<'_> = Vec::new();
    // The header whose key/value pairs are being collected (`None`: the root's).
    let mut header: Option<(Vec<&str>, Header)> = None;
    let mut section: Entries<'_> = Vec::new();
    loop {
        p.skip_spaces();
        match p.peek() {
            None => break,
            Some(b'\n' | b'\r') => p.newline_or_end()?,
            Some(b'#') => {
                p.comment()?;
                p.newline_or_end()?;
            }
            Some(b'[') => {
                let next = p.header()?;
                place(&mut root, header.take(), std::mem::take(&mut section))?;
                header = Some(next);
            }
            Some(_) => {
                let (key, value) = p.key_value(0)?;
                if section.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                section.push((key, value));
                p.end_of_line()?;
            }
        }
    }
    place(&mut root, header, section)?;
    Some(root)
}

/// A reader of the plain subset of TOML. Every method answers `None` where the text leaves that
/// subset, valid TOML or not.
struct Parser<'i> {
    text: &'i str,
    bytes: &'i [u8],
    pos: usize,
}

impl<'i> Parser<'i> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Spaces, newlines and comments (between the items of an array).
    fn skip_blank(&mut self) -> Option<()> {
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b'\n' | b'\r') => self.newline_or_end()?,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    /// A comment up to (not including) its line end. TOML allows tab, printable ASCII and
    /// anything non-ASCII in comments.
    fn comment(&mut self) -> Option<()> {
        self.eat(b'#')?;
        while let Some(b) = self.peek() {
            match b {
                b'\n' | b'\r' => break,
                b'\t' | 0x20..=0x7e | 0x80..=0xff => self.pos += 1,
                _ => return None,
            }
        }
        Some(())
    }

    fn newline_or_end(&mut self) -> Option<()> {
        match self.peek() {
            None => {}
            Some(b'\n') => self.pos += 1,
            Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
            Some(_) => return None,
        }
        Some(())
    }

    /// What may follow a key/value pair or a header on its line.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        self.newline_or_end()
    }

    /// A bare key (`A-Za-z0-9_-`); quoted keys are left to `toml`.
    fn key(&mut self) -> Option<&'i str> {
        let start = self.pos;
        while matches!(
            self.peek(),
            Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')
        ) {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.text[start..self.pos])
    }

    /// `[a.b]` or `[[a.b]]` and the rest of its line.
    fn header(&mut self) -> Option<(Vec<&'i str>, Header)> {
        self.eat(b'[')?;
        let kind = if self.eat(b'[').is_some() {
            Header::ArrayOfTables
        } else {
            Header::Table
        };
        let mut keys = Vec::new();
        loop {
            self.skip_spaces();
            keys.push(self.key()?);
            if keys.len() > MAX_DEPTH {
                return None;
            }
            self.skip_spaces();
            if self.eat(b'.').is_none() {
                break;
            }
        }
        self.eat(b']')?;
        if kind == Header::ArrayOfTables {
            self.eat(b']')?;
        }
        self.end_of_line()?;
        Some((keys, kind))
    }

    /// `key = value` with a bare key (dotted keys are left to `toml`).
    fn key_value(&mut self, depth: usize) -> Option<(&'i str, Value<'i>)> {
        let key = self.key()?;
        self.skip_spaces();
        self.eat(b'=')?;
        self.skip_spaces();
        let value = self.value(depth)?;
        Some((key, value))
    }

    fn value(&mut self, depth: usize) -> Option<Value<'i>> {
        match self.peek()? {
            b'"' => self.string(),
            b't' => self.word("true", Value::Boolean(true)),
            b'f' => self.word("false", Value::Boolean(false)),
            b'0'..=b'9' => self.date(),
            b'[' if depth < MAX_DEPTH => self.array(depth + 1),
            b'{' if depth < MAX_DEPTH => self.inline_table(depth + 1),
            _ => None,
        }
    }

    /// Whether the value just read ends here, as TOML requires.
    fn at_value_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b',' | b']' | b'}')
        )
    }

    fn word(&mut self, word: &str, value: Value<'i>) -> Option<Value<'i>> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) != Some(word.as_bytes()) {
            return None;
        }
        self.pos = end;
        self.at_value_end().then_some(value)
    }

    /// A local date `YYYY-MM-DD`; numbers and times are left to `toml`.
    fn date(&mut self) -> Option<Value<'i>> {
        let end = self.pos + 10;
        let shape = self
            .bytes
            .get(self.pos..end)?
            .iter()
            .enumerate()
            .all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shape {
            return None;
        }
        // The parser `toml` itself uses, so both judge the same dates valid.
        let date = self.text[self.pos..end].parse().ok()?;
        self.pos = end;
        // `2025-01-01 10:00:00` is a date-time.
        let time_follows = self.peek() == Some(b' ')
            && self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit);
        (self.at_value_end() && !time_follows).then_some(Value::Datetime(date))
    }

    /// A basic string without escapes. Escapes, multi-line and literal strings are left to
    /// `toml`. TOML allows tab, printable ASCII but `"` and `\`, and anything non-ASCII in it.
    fn string(&mut self) -> Option<Value<'i>> {
        if self.bytes.get(self.pos..self.pos + 3) == Some(b"\"\"\"") {
            return None;
        }
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => return None,
                b'\t' | 0x20..=0x7e | 0x80..=0xff => self.pos += 1,
                _ => return None,
            }
        }
        let s = &self.text[start..self.pos];
        self.pos += 1;
        self.at_value_end().then_some(Value::String(s))
    }

    fn array(&mut self, depth: usize) -> Option<Value<'i>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.eat(b']').is_some() {
                break;
            }
            items.push(self.value(depth)?);
            self.skip_blank()?;
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                break;
            }
        }
        self.at_value_end()
            .then_some(Value::Array(items, ArrayKind::Inline))
    }

    /// A one-line inline table without a trailing comma, as TOML 1.0 has them.
    fn inline_table(&mut self, depth: usize) -> Option<Value<'i>> {
        self.eat(b'{')?;
        let mut entries: Entries<'i> = Vec::new();
        self.skip_spaces();
        if self.eat(b'}').is_none() {
            loop {
                self.skip_spaces();
                let (key, value) = self.key_value(depth)?;
                if entries.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                entries.push((key, value));
                self.skip_spaces();
                if self.eat(b',').is_none() {
                    self.eat(b'}')?;
                    break;
                }
            }
        }
        self.at_value_end()
            .then_some(Value::Table(entries, TableKind::Inline))
    }
}

/// Put a header's section where the header says; `None` (the root's section) becomes the root.
fn place<'i>(
    root: &mut Entries<'i>,
    header: Option<(Vec<&'i str>, Header)>,
    section: Entries<'i>,
) -> Option<()> {
    let Some((keys, kind)) = header else {
        // The root section comes first, before any header made an entry.
        *root = section;
        return Some(());
    };
    let (last, parents) = keys.split_last()?;
    let parent = descend(root, parents)?;
    let existing = parent.iter_mut().find(|(k, _)| k == last);
    let table = Value::Table(section, TableKind::Defined);
    match (kind, existing) {
        (Header::Table, None) => parent.push((last, table)),
        (Header::ArrayOfTables, None) => {
            parent.push((last, Value::Array(vec![table], ArrayKind::Tables)));
        }
        (Header::ArrayOfTables, Some((_, Value::Array(items, ArrayKind::Tables)))) => {
            items.push(table);
        }
        // Everything else is either an error or a table defined in two steps (`[a.b]` then
        // `[a]`); `toml` decides those.
        _ => return None,
    }
    Some(())
}

/// The table that `keys` name below `table`, creating missing ones; the last element for an
/// array of tables.
fn descend<'t, 'i>(
    mut table: &'t mut Entries<'i>,
    keys: &[&'i str],
) -> Option<&'t mut Entries<'i>> {
    for key in keys {
        let current = table;
        let index = match current.iter().position(|(k, _)| k == key) {
            Some(index) => index,
            None => {
                current.push((key, Value::Table(Vec::new(), TableKind::Implicit)));
                current.len() - 1
            }
        };
        table = match &mut current[index].1 {
            Value::Table(entries, TableKind::Implicit | TableKind::Defined) => entries,
            Value::Array(items, ArrayKind::Tables) => match items.last_mut() {
                Some(Value::Table(entries, _)) => entries,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(table)
}

type Error = de::value::Error;

/// Deserializes a [`Value`] the way `toml`'s own value deserializer does.
struct ValueDeserializer<'i>(Value<'i>);

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Boolean(b) => visitor.visit_bool(b),
            Value::Datetime(d) => {
                visitor.visit_map(toml_datetime::de::DatetimeDeserializer::new(d))
            }
            Value::Array(items, _) => visitor.visit_seq(SeqAccess(items.into_iter())),
            Value::Table(entries, _) => visitor.visit_map(MapAccess {
                entries: entries.into_iter(),
                value: None,
            }),
        }
    }

    // As in `toml`: a present field is `Some`; a missing one never reaches the deserializer.
    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if toml_datetime::de::is_datetime(name) {
            if let Value::Datetime(d) = self.0 {
                return visitor.visit_map(toml_datetime::de::DatetimeDeserializer::new(d));
            }
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            // Enums written as tables are left to `toml`.
            _ => Err(de::Error::custom("wanted a string")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 char str string seq
        bytes byte_buf map unit ignored_any unit_struct tuple_struct tuple identifier
    }
}

struct SeqAccess<'i>(std::vec::IntoIter<Value<'i>>);

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(ValueDeserializer(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct MapAccess<'i> {
    entries: std::vec::IntoIter<(&'i str, Value<'i>)>,
    value: Option<Value<'i>>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key: de::value::BorrowedStrDeserializer<'de, Error> =
            de::value::BorrowedStrDeserializer::new(key);
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without its key"))?;
        seed.deserialize(ValueDeserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
