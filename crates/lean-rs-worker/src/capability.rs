//! What a capability-backed worker session requires: the capability's restart policy and the
//! metadata it is expected to report.

use serde::{Deserialize, Serialize};

/// When a worker opened for a capability replaces its child on purpose, besides the
/// replacements every failure causes. The policy's [`class`](Self::class) is part of the
/// session key, so work planned under different policies never shares a worker.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeanWorkerRestartPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_requests: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_rss_kib: Option<u64>,
}

impl LeanWorkerRestartPolicy {
    /// No policy restarts: the child is replaced only after a failure.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replace the child after it served `requests` requests (at least 1), to bound the
    /// memory Lean's process-global state can accumulate.
    #[must_use]
    pub fn max_requests(mut self, requests: u64) -> Self {
        self.max_requests = Some(requests.max(1));
        self
    }

    /// Replace the child before a request when its sampled RSS is at least `kib`.
    #[must_use]
    pub fn max_rss_kib(mut self, kib: u64) -> Self {
        self.max_rss_kib = Some(kib);
        self
    }

    /// The request limit, when set.
    pub fn request_limit(&self) -> Option<u64> {
        self.max_requests
    }

    /// The RSS limit in KiB, when set.
    pub fn rss_limit_kib(&self) -> Option<u64> {
        self.max_rss_kib
    }

    /// A stable label of the policy (`default`, or e.g. `requests<=100,rss<=2097152KiB`).
    pub fn class(&self) -> String {
        let parts: Vec<String> = [
            self.max_requests.map(|n| format!("requests<={n}")),
            self.max_rss_kib.map(|k| format!("rss<={k}KiB")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "default".to_owned()
        } else {
            parts.join(",")
        }
    }
}

/// The capability metadata a session expects: the export (`String → IO String`, returning a
/// JSON object) that reports it, and the JSON fields it must contain with equal values.
/// Fields the expectation does not name are not compared, so a capability can add facts
/// without breaking its consumers; what the fields mean is the capability's business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerMetadataExpectation {
    export: String,
    expected: serde_json::Value,
}

impl LeanWorkerMetadataExpectation {
    /// Expect `export`'s metadata object to contain every field of `expected` (an object;
    /// nested objects are compared the same way, other values by equality).
    pub fn new(export: impl Into<String>, expected: serde_json::Value) -> Self {
        Self {
            export: export.into(),
            expected,
        }
    }

    /// The metadata export.
    pub fn export(&self) -> &str {
        &self.export
    }

    /// The expected fields.
    pub fn expected(&self) -> &serde_json::Value {
        &self.expected
    }

    /// The expectation as canonical text (object keys sorted), for session keys.
    pub fn canonical(&self) -> String {
        // `serde_json::Value` objects keep their keys sorted (no `preserve_order`), so the
        // text is the same for equal expectations however they were written.
        serde_json::json!({ "export": self.export, "expected": self.expected }).to_string()
    }

    /// The first field of the expectation that `actual` lacks or holds differently, as a
    /// dotted path with both values; `None` when `actual` satisfies it.
    pub fn mismatch(&self, actual: &serde_json::Value) -> Option<String> {
        first_mismatch(&self.expected, actual, "")
    }
}

fn first_mismatch(
    expected: &serde_json::Value,
    actual: &serde_json::Value,
    at: &str,
) -> Option<String> {
    match (expected, actual) {
        (serde_json::Value::Object(want), serde_json::Value::Object(have)) => {
            want.iter().find_map(|(field, value)| {
                let path = if at.is_empty() {
                    field.clone()
                } else {
                    format!("{at}.{field}")
                };
                match have.get(field) {
                    Some(found) => first_mismatch(value, found, &path),
                    None => Some(format!("`{path}` is missing (expected {value})")),
                }
            })
        }
        _ if expected == actual => None,
        _ => {
            let path = if at.is_empty() { "metadata" } else { at };
            Some(format!("`{path}` is {actual}, expected {expected}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_classes_are_stable_labels() {
        assert_eq!(LeanWorkerRestartPolicy::new().class(), "default");
        assert_eq!(
            LeanWorkerRestartPolicy::new()
                .max_rss_kib(2048)
                .max_requests(0)
                .class(),
            "requests<=1,rss<=2048KiB"
        );
    }

    #[test]
    fn metadata_expectations_compare_named_fields_only() {
        let expect = LeanWorkerMetadataExpectation::new(
            "m",
            serde_json::json!({"name": "x", "caps": {"rows": true}}),
        );
        assert_eq!(
            expect.mismatch(
                &serde_json::json!({"name": "x", "extra": 1, "caps": {"rows": true, "y": 2}})
            ),
            None
        );
        assert_eq!(
            expect.mismatch(&serde_json::json!({"name": "x", "caps": {"rows": false}})),
            Some("`caps.rows` is false, expected true".to_owned())
        );
        assert_eq!(
            expect.mismatch(&serde_json::json!({"caps": {}})),
            Some("`caps.rows` is missing (expected true)".to_owned())
        );
        assert_eq!(
            expect.mismatch(&serde_json::json!([1])),
            Some(
                "`metadata` is [1], expected {\"caps\":{\"rows\":true},\"name\":\"x\"}".to_owned()
            )
        );
        let reordered = LeanWorkerMetadataExpectation::new(
            "m",
            serde_json::json!({"caps": {"rows": true}, "name": "x"}),
        );
        assert_eq!(expect.canonical(), reordered.canonical());
    }
}
