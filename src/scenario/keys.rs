//! The keys of the scenario format, read off the serde structs of [`super::file`] themselves.
//!
//! Validation explains an unknown key by where it belongs ("`rate` belongs to another table",
//! "`dimensions` is a top-level key"), so it needs every key of every table. Rather than keep
//! a second list beside the structs (which drifted: it missed a third of the keys), the list
//! is derived: [`FormatKeys::get`] deserializes a [`ScenarioFile`] from a stand-in
//! deserializer that notes the fields of every struct it is asked for, then offers each field
//! a stand-in value, descending into nested tables, maps and lists. A field added to a struct
//! is in the list with nothing else to edit. Parameter tables (`{ value, dist, low, ... }`)
//! are numbers with options, not tables of the format, and are not walked.

use std::cell::RefCell;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::value::Error;
use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::file::ScenarioFile;

/// The keys of the format.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FormatKeys {
    /// Every key of every table, each once, in the order first met (file structs in
    /// declaration order, depth first).
    pub all: Vec<&'static str>,
    /// Keys of the file's top level whose values are not tables (`dimensions`): in TOML they
    /// must come before the first `[header]`.
    pub top_level_values: Vec<&'static str>,
}

impl FormatKeys {
    /// The keys of [`ScenarioFile`], worked out once.
    pub(crate) fn get() -> &'static FormatKeys {
        static KEYS: OnceLock<FormatKeys> = OnceLock::new();
        KEYS.get_or_init(|| {
            let found = RefCell::new(FormatKeys::default());
            ScenarioFile::deserialize(Walker { found: &found, root: true, top_field: None })
                .expect("the stand-in values fit every field of the format");
            found.into_inner()
        })
    }
}

/// A stand-in deserializer for one value of the format.
#[derive(Clone, Copy)]
struct Walker<'a> {
    found: &'a RefCell<FormatKeys>,
    /// The whole file (its struct's fields are the top-level keys).
    root: bool,
    /// The top-level key this value belongs to, if any.
    top_field: Option<&'static str>,
}

impl<'a> Walker<'a> {
    fn child(self) -> Walker<'a> {
        Walker { found: self.found, root: false, top_field: None }
    }

    /// Notes that the value is not a table.
    fn plain(self) {
        if let Some(key) = self.top_field {
            let mut found = self.found.borrow_mut();
            if !found.top_level_values.contains(&key) {
                found.top_level_values.push(key);
            }
        }
    }
}

impl<'de> Deserializer<'de> for Walker<'_> {
    type Error = Error;

    /// Numbers, and parameters (a number or a parameter table): a number stands in.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.plain();
        visitor.visit_u64(1)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.plain();
        visitor.visit_bool(true)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.plain();
        visitor.visit_f64(0.5)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.plain();
        visitor.visit_str("x")
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.plain();
        visitor.visit_seq(One(Some(self.child())))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Entries { keys: &["x"], next: 0, walker: self.child(), top: false })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        {
            let mut found = self.found.borrow_mut();
            for f in fields {
                if !found.all.contains(f) {
                    found.all.push(f);
                }
            }
        }
        visitor.visit_map(Entries { keys: fields, next: 0, walker: self.child(), top: self.root })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.plain();
        visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(variants[0]))
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char bytes byte_buf unit unit_struct newtype_struct
        tuple tuple_struct ignored_any
    }
}

/// A table or map with the given keys, each with a stand-in value.
struct Entries<'a> {
    keys: &'static [&'static str],
    next: usize,
    walker: Walker<'a>,
    /// The keys are the file's top-level keys.
    top: bool,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(key) = self.keys.get(self.next) else { return Ok(None) };
        seed.deserialize(IntoDeserializer::<Error>::into_deserializer(*key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let key = self.keys[self.next];
        self.next += 1;
        let top_field = self.top.then_some(key);
        seed.deserialize(Walker { top_field, ..self.walker })
    }
}

/// A list of one stand-in element.
struct One<'a>(Option<Walker<'a>>);

impl<'de> SeqAccess<'de> for One<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.take().map(|w| seed.deserialize(w)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::actor::BEHAVIOUR;

    #[test]
    fn every_table_of_the_format_is_walked() {
        let keys = FormatKeys::get();
        // Top-level tables, keys of nested tables, of lists of tables, of tables in maps.
        for k in ["scenario", "outcomes", "extends", "cooperation_window", "capability", "veto", "threshold"] {
            assert!(keys.all.contains(&k), "{k}");
        }
        for k in ["payoffs", "reward", "punishment", "salience", "base", "when", "metric", "above", "effects"] {
            assert!(keys.all.contains(&k), "{k}");
        }
        assert!(keys.all.contains(&"for"), "a renamed field goes by its name in the file");
        // Behaviour keys come from the model's table, through the file's own deserializer.
        for p in BEHAVIOUR {
            assert!(keys.all.contains(&p.key), "{}", p.key);
        }
        // Parameter tables are numbers with options, not tables of the format.
        assert!(!keys.all.contains(&"dist") && !keys.all.contains(&"sd"));
        let mut sorted = keys.all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.all.len(), "each key once");
    }

    #[test]
    fn the_keys_once_listed_by_hand_are_all_found() {
        let old = [
            "scenario",
            "dimensions",
            "model",
            "defaults",
            "actors",
            "trust",
            "state",
            "influence",
            "issues",
            "events",
            "outcomes",
            "name",
            "description",
            "question",
            "start",
            "end",
            "step",
            "runs",
            "seed",
            "cooperation_window",
            "influence_relaxation",
            "behaviour",
            "kind",
            "capability",
            "interests",
            "members",
            "rule",
            "leader",
            "weights",
            "threshold",
            "veto",
            "label",
            "initial",
            "target",
            "rate",
            "volatility",
            "drivers",
            "sides",
            "payoffs",
            "participants",
            "efficacy",
            "harm_dimension",
            "exposure",
            "cost",
            "salience",
            "on_mutual",
            "effects",
            "reach",
            // Added with arrangements, influence domains, hazards with drivers and ranges.
            "influence_trend",
            "in_force",
            "commitment",
            "formation",
            "upkeep",
            "membership",
            "relevance",
            "reach_drivers",
            "hazard_drivers",
            "forcing",
            "horizon",
            "keep_at_start",
            "objection",
            "uncertainty",
            "relative",
            "absolute",
        ];
        let keys = FormatKeys::get();
        assert!(old.iter().all(|k| keys.all.contains(k)), "{:?}", old.iter().find(|k| !keys.all.contains(k)));
    }

    #[test]
    fn only_dimensions_must_come_before_the_first_header() {
        assert_eq!(FormatKeys::get().top_level_values, ["dimensions"]);
    }
}
