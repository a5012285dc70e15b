//! costs-machine.txt: what made the numbers.

use std::path::Path;
use std::process::Command;

/// What made the numbers: CPU, core count, rustc, date, load, and how much
/// CPU time the run got (from CRITERION_DIR/costs-run.txt, which
/// cargo xtask plot-costs writes: load before, then wall, user and system
/// seconds of `cargo bench`).
pub fn machine(criterion: &Path) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |key: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
    };
    let model = field("model name").unwrap_or_else(|| "unknown CPU".into());
    let cpus = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let cores = field("cpu cores").unwrap_or_else(|| "?".into());
    let vm =
        field("flags").is_some_and(|f| f.split(' ').any(|w| w == "hypervisor"));
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc (unknown version)".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    let run = std::fs::read_to_string(criterion.join("costs-run.txt"))
        .ok()
        .and_then(|t| share(&t, &load, cpus))
        .unwrap_or_else(|| {
            format!(
                "load:      {load} (1-minute load average when the run ended)\n"
            )
        });
    format!(
        "CPU:       {model}, {cpus} logical CPUs ({cores} cores){}\n\
         OS:        {} {}\n\
         compiler:  {rustc}, cargo bench (release profile)\n\
         date:      {} (UTC)\n\
         {run}\
         made by:   cargo xtask plot-costs\n",
        if vm { ", virtual machine" } else { "" },
        std::env::consts::OS,
        std::env::consts::ARCH,
        today(),
    )
}

/// The `load:` and `share:` lines from costs-run.txt (load before, wall,
/// user and system seconds), if it holds those four numbers.
fn share(run: &str, load_after: &str, cpus: usize) -> Option<String> {
    let v: Vec<f64> = run
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok())
        .collect();
    if v.len() != 4 {
        return None;
    }
    Some(format!(
        "load:      {:.2} before the run, {load_after} after \
         (1-minute load average)\n\
         share:     the benchmarks ran {:.0} s and got {:.0} s of CPU \
         time: {:.2} of the {cpus} CPUs\n",
        v[0],
        v[1],
        v[2] + v[3],
        (v[2] + v[3]) / v[1]
    ))
}

/// Today's date, YYYY-MM-DD, from the system clock (UTC).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    date(secs / 86_400)
}

/// The civil date `days` days after 1970-01-01 (H. Hinnant's algorithm;
/// by hand because one date is all the tools need from a calendar).
fn date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days_since_1970() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(59), "1970-03-01");
        assert_eq!(date(11_016), "2000-02-29");
        assert_eq!(date(20_454), "2026-01-01");
    }

    #[test]
    fn the_share_of_cpu_time_the_run_got() {
        let text = share("0.52 52.1 70.0 10.0\n", "1.93", 2).unwrap();
        assert_eq!(
            text,
            "load:      0.52 before the run, 1.93 after (1-minute load average)\n\
             share:     the benchmarks ran 52 s and got 80 s of CPU time: \
             1.54 of the 2 CPUs\n"
        );
        assert_eq!(share("0.52 52.1\n", "1.0", 2), None);
    }

    #[test]
    fn the_machine_file_names_cpu_compiler_date_and_load() {
        let text = machine(Path::new("/no/criterion/here"));
        for label in
            ["CPU:", "OS:", "compiler:  ", "date:", "load:", "made by:"]
        {
            assert!(text.contains(label), "{label}: {text}");
        }
        assert!(text.contains("when the run ended"), "{text}");
    }
}
