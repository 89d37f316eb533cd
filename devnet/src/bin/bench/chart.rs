//! The guarded-withdraw rows as an SVG bar chart (`target/bench.svg`): extra gas per protection,
//! Vigil cached and uncached beside the Solidity baseline each row is compared with, and each Vigil
//! bar's physical floor marked. Readers compare bars faster than tables; the numbers stay in the
//! Markdown and the JSON.

use std::fmt::Write;

use vigil_devnet::report::thousands_signed;

/// What a bar measures, which sets its colour and legend entry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cached,
    Uncached,
    Solidity,
}

impl Kind {
    fn colour(self) -> &'static str {
        match self {
            Self::Cached => "#1f6feb",
            Self::Uncached => "#9ecbff",
            Self::Solidity => "#8c959f",
        }
    }

    fn legend(self) -> &'static str {
        match self {
            Self::Cached => "Vigil, guard cached",
            Self::Uncached => "Vigil, guard uncached",
            Self::Solidity => "Solidity baseline",
        }
    }
}

pub struct Bar {
    pub label: String,
    pub kind: Kind,
    pub extra: i64,
    /// The physical floor of this bar's check (Vigil bars).
    pub floor: Option<i64>,
}

/// One protection: its Vigil bars and the baselines they are compared with.
pub struct Group {
    pub label: String,
    pub bars: Vec<Bar>,
}

const WIDTH: i64 = 900;
const LABEL_X: i64 = 12;
const BAR_X: i64 = 330;
const BAR_W: i64 = 480;
const BAR_H: i64 = 14;
const BAR_GAP: i64 = 4;
const GROUP_GAP: i64 = 14;
const TOP: i64 = 70;
/// Grid lines every this many gas.
const GRID: i64 = 5_000;

pub fn svg(groups: &[Group]) -> String {
    let max = groups
        .iter()
        .flat_map(|g| g.bars.iter().map(|b| b.extra.max(b.floor.unwrap_or(0))))
        .max()
        .unwrap_or(GRID)
        .max(1);
    let scale_max = (max + GRID - 1) / GRID * GRID;
    let x = |gas: i64| BAR_X + gas.max(0) * BAR_W / scale_max;
    let rows: i64 = groups.iter().map(|g| g.bars.len() as i64 + 1).sum();
    let height = TOP + rows * (BAR_H + BAR_GAP) + groups.len() as i64 * GROUP_GAP + 40;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        s,
        r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        s,
        r#"<text x="{LABEL_X}" y="20" font-size="14" font-weight="bold">Extra gas of a guarded withdraw, per protection (one bench run on the devnet)</text>"#
    );
    let mut lx = LABEL_X;
    for kind in [Kind::Cached, Kind::Uncached, Kind::Solidity] {
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="32" width="12" height="12" fill="{}"/><text x="{}" y="42">{}</text>"#,
            kind.colour(),
            lx + 16,
            kind.legend()
        );
        lx += 170;
    }
    let _ = writeln!(
        s,
        r##"<line x1="{lx}" y1="30" x2="{lx}" y2="46" stroke="#cf222e" stroke-width="2"/><text x="{}" y="42">physical floor of the check</text>"##,
        lx + 6
    );

    let bottom = height - 30;
    let mut gas = 0;
    while gas <= scale_max {
        let gx = x(gas);
        let _ = writeln!(
            s,
            r##"<line x1="{gx}" y1="{}" x2="{gx}" y2="{bottom}" stroke="#d0d7de"/><text x="{gx}" y="{}" text-anchor="middle" fill="#57606a">{}</text>"##,
            TOP - 8,
            bottom + 14,
            thousands_signed(gas)
        );
        gas += GRID;
    }

    let mut y = TOP;
    for g in groups {
        let _ = writeln!(
            s,
            r#"<text x="{LABEL_X}" y="{}" font-weight="bold">{}</text>"#,
            y + BAR_H - 3,
            escape(&g.label)
        );
        y += BAR_H + BAR_GAP;
        for b in &g.bars {
            let end = x(b.extra);
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}">{}</text><rect x="{BAR_X}" y="{y}" width="{}" height="{BAR_H}" fill="{}"><title>{}: {} gas</title></rect><text x="{}" y="{}">{}</text>"#,
                LABEL_X + 12,
                y + BAR_H - 3,
                escape(&b.label),
                end - BAR_X,
                b.kind.colour(),
                escape(&b.label),
                thousands_signed(b.extra),
                end + 4,
                y + BAR_H - 3,
                thousands_signed(b.extra)
            );
            if let Some(floor) = b.floor {
                let fx = x(floor);
                let _ = writeln!(
                    s,
                    r##"<line x1="{fx}" y1="{}" x2="{fx}" y2="{}" stroke="#cf222e" stroke-width="2"><title>floor {}</title></line>"##,
                    y - 2,
                    y + BAR_H + 2,
                    thousands_signed(floor)
                );
            }
            y += BAR_H + BAR_GAP;
        }
        y += GROUP_GAP;
    }
    s.push_str("</svg>\n");
    s
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_floors_are_marked() {
        let groups = [Group {
            label: "pause + screening".into(),
            bars: vec![
                Bar {
                    label: "Vigil, cached".into(),
                    kind: Kind::Cached,
                    extra: 7_500,
                    floor: Some(7_152),
                },
                Bar {
                    label: "Solidity <guard> & co".into(),
                    kind: Kind::Solidity,
                    extra: 10_000,
                    floor: None,
                },
            ],
        }];
        let out = svg(&groups);
        // 10,000 is the scale's end: the full bar width; 7,500 three quarters of it.
        assert!(out.contains(&format!(r#"width="{BAR_W}" height="{BAR_H}""#)));
        assert!(out.contains(&format!(r#"width="{}" height="{BAR_H}""#, BAR_W * 3 / 4)));
        assert!(out.contains("<title>floor 7,152</title>"));
        assert!(out.contains("Solidity &lt;guard&gt; &amp; co"));
        assert!(out.starts_with("<svg") && out.ends_with("</svg>\n"));
    }
}
