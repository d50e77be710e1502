//! Numbers as BENCHMARKS.md writes them, and the verdict on a goal that caps a value.

pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

pub fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

/// "met" or "missed by …", for a value that must stay at or under `goal`.
pub fn at_most(value: f64, goal: f64, unit: impl Fn(f64) -> String) -> String {
    if value <= goal {
        "met".into()
    } else {
        format!(
            "**missed** by {} ({:.0} % over)",
            unit(value - goal),
            (value / goal - 1.0) * 100.0
        )
    }
}

/// `100 000`: thousands set apart by a space, as the report writes counts.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

pub fn ms(v: f64) -> String {
    format!("{v:.2} ms")
}
