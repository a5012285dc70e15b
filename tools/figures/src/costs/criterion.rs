//! Reading criterion's results: CRITERION_DIR/<group>/<benchmark>
//! [/<threads>]/new/estimates.json, of which the charts use the median's
//! point estimate, in nanoseconds.

use serde::Deserialize;
use std::path::{Path, PathBuf};

use super::{Measurement, ORDER};

/// The part of estimates.json the charts use (criterion also writes the
/// mean, the slope and the deviations, each with its confidence
/// interval: ignored).
#[derive(Debug, Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// The median's point estimate in the text of an estimates.json.
pub fn median_of(json: &str) -> Result<f64, serde_json::Error> {
    serde_json::from_str::<Estimates>(json).map(|e| e.median.point_estimate)
}

/// The median's point estimate in the estimates.json at `path`.
pub fn median(path: &Path) -> Result<f64, String> {
    let json = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    median_of(&json).map_err(|e| {
        format!("{}: no median point_estimate ({e})", path.display())
    })
}

/// The folders in `dir`, by name, without criterion's `report` folder;
/// none if `dir` cannot be read.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !p.ends_with("report"))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every result of the group in `dir`, by thread count (none first), then
/// in the order of benches/locks.rs (ORDER; others after, by name). Only
/// the latest run (`new/`) counts, not criterion's `base/`.
pub fn read_group(dir: &Path) -> Result<Vec<Measurement>, String> {
    let mut results = Vec::new();
    for bench_dir in subdirs(dir) {
        let bench = name(&bench_dir);
        let estimates = bench_dir.join("new/estimates.json");
        if estimates.exists() {
            let ns = median(&estimates)?;
            results.push(Measurement {
                bench,
                threads: None,
                ns,
            });
            continue;
        }
        for param_dir in subdirs(&bench_dir) {
            let estimates = param_dir.join("new/estimates.json");
            if !estimates.exists() {
                continue;
            }
            let threads = name(&param_dir).parse().map_err(|_| {
                format!("{}: expected a thread count", param_dir.display())
            })?;
            let ns = median(&estimates)?;
            results.push(Measurement {
                bench: bench.clone(),
                threads: Some(threads),
                ns,
            });
        }
    }
    let rank =
        |b: &str| ORDER.iter().position(|o| *o == b).unwrap_or(ORDER.len());
    results.sort_by(|a, b| {
        (a.threads, rank(&a.bench), &a.bench)
            .partial_cmp(&(b.threads, rank(&b.bench), &b.bench))
            .unwrap()
    });
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_not_the_mean() {
        // What criterion 0.5 writes, shortened.
        let json = r#"{
            "mean": {"confidence_interval": {"confidence_level": 0.95,
                "lower_bound": 1.0, "upper_bound": 999.0},
                "point_estimate": 99.9, "standard_error": 1.0},
            "median": {"confidence_interval": {"confidence_level": 0.95,
                "lower_bound": 1.0, "upper_bound": 999.0},
                "point_estimate": 20.5, "standard_error": 1.0},
            "median_abs_dev": {"point_estimate": 777.0},
            "slope": null,
            "std_dev": {"point_estimate": 3.0}
        }"#;
        assert_eq!(median_of(json).unwrap(), 20.5);
        // Key order does not matter, nor does an integer.
        let json = r#"{"median": {"standard_error": 1, "point_estimate": 7}}"#;
        assert_eq!(median_of(json).unwrap(), 7.0);
        assert_eq!(
            median_of("{\"median\":{\"point_estimate\":1e-3}}").unwrap(),
            0.001
        );
    }

    #[test]
    fn a_file_without_a_median_is_an_error() {
        // Another object's point estimate is not the median's.
        let e = median_of(r#"{"mean": {"point_estimate": 5.0}}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `median`"), "{e}");
        let e = median_of(r#"{"median": {"point_estimate": "fast"}}"#);
        assert!(e.is_err());
        assert!(median_of(r#"{"median": {"point_estimate": 5.0"#).is_err());
        assert!(median_of("").is_err());
    }

    #[test]
    fn a_group_is_read_in_benchmark_then_thread_order() {
        let dir = std::env::temp_dir()
            .join(format!("book-figures-group-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let put = |path: &str, ns: f64| {
            let file = dir.join(path).join("new/estimates.json");
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            let json = format!(r#"{{"median": {{"point_estimate": {ns}}}}}"#);
            std::fs::write(file, json).unwrap();
        };
        put("zzz_new_bench/2", 1.0);
        put("atomic_fetch_add/2", 2.0);
        put("std_mutex/2", 3.0);
        put("std_mutex/1", 4.0);
        std::fs::create_dir_all(dir.join("report")).unwrap();
        let got: Vec<(String, Option<u64>, f64)> = read_group(&dir)
            .unwrap()
            .into_iter()
            .map(|m| (m.bench, m.threads, m.ns))
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        let want = [
            ("std_mutex", Some(1), 4.0),
            ("std_mutex", Some(2), 3.0),
            ("atomic_fetch_add", Some(2), 2.0),
            ("zzz_new_bench", Some(2), 1.0),
        ]
        .map(|(b, t, ns)| (b.to_owned(), t, ns));
        assert_eq!(got, want);
        assert!(read_group(Path::new("/no/such/dir")).unwrap().is_empty());
    }
}
