//! Where things go: a column per event time (with a cut in the time axis
//! for a long wait), a lane per thread, and rows in a lane so that no two
//! bars of a lane overlap.

use super::model::{Bar, Locks, LostUpdates};

/// Picture width; lane labels take the left part.
pub const WIDTH: f64 = 820.0;
pub const LABEL_W: f64 = 150.0;
pub const RIGHT: f64 = 40.0;
/// Extra room for a cut in the time axis (a long wait).
pub const BREAK_W: f64 = 170.0;
/// A gap between two events longer than this is cut (nanoseconds).
pub const LONG_GAP_NS: u64 = 20_000_000;

/// The x of each time, and the x of the middle of each cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub xs: Vec<f64>,
    pub cuts: Vec<f64>,
}

/// x of each time (sorted), one column each, evenly spaced from `left` to
/// `right`, with BREAK_W more room before a gap longer than LONG_GAP_NS:
/// the order of events is to scale, their distance is not (a
/// microsecond and a second would not fit one picture).
pub fn columns(times: &[u64], left: f64, right: f64) -> Columns {
    let n = times.len();
    let cuts: Vec<usize> = (1..n)
        .filter(|&i| times[i] - times[i - 1] > LONG_GAP_NS)
        .collect();
    let room = right - left - BREAK_W * cuts.len() as f64;
    let step = if n > 1 { room / (n - 1) as f64 } else { 0.0 };
    let mut xs = Vec::with_capacity(n);
    let mut x = left;
    for i in 0..n {
        if i > 0 {
            x += step;
            if cuts.contains(&i) {
                x += BREAK_W;
            }
        }
        xs.push(x);
    }
    let cuts = cuts.iter().map(|&i| (xs[i - 1] + xs[i]) / 2.0).collect();
    Columns { xs, cuts }
}

/// The row of each bar in its lane: the first row where no earlier bar of
/// the lane is still open at the bar's start. Bars come in the order of
/// their starts; one that ends where another starts shares its row.
pub fn rows(bars: &[Bar]) -> Vec<usize> {
    let mut rows: Vec<usize> = Vec::with_capacity(bars.len());
    for (b, bar) in bars.iter().enumerate() {
        let mut row = 0;
        while bars[..b]
            .iter()
            .zip(&rows)
            .any(|(o, &r)| o.lane == bar.lane && r == row && o.to > bar.from)
        {
            row += 1;
        }
        rows.push(row);
    }
    rows
}

/// The lost-update picture: a lane per thread, 74 high, then the total's
/// lane and the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct LostUpdateLayout {
    pub columns: Columns,
    /// The top of each thread's lane.
    pub lane_y: Vec<f64>,
    /// The top of the total's lane.
    pub total_y: f64,
    pub axis_y: f64,
    pub height: f64,
}

pub fn lost_update(run: &LostUpdates) -> LostUpdateLayout {
    const TOP: f64 = 96.0;
    const LANE_H: f64 = 74.0;
    let columns = columns(&run.times(), LABEL_W + 30.0, WIDTH - RIGHT - 20.0);
    let lane_y = |k: usize| TOP + k as f64 * LANE_H;
    let total_y = lane_y(run.lanes.len());
    let axis_y = total_y + 62.0;
    LostUpdateLayout {
        columns,
        lane_y: (0..run.lanes.len()).map(lane_y).collect(),
        total_y,
        axis_y,
        height: axis_y + 80.0,
    }
}

/// The hang and deadlock pictures: a lane per thread, as many rows high as
/// its bars need, then the time axis. More room on the right than the
/// lost update's, for the deadlock's arrows.
#[derive(Debug, Clone, PartialEq)]
pub struct LocksLayout {
    pub columns: Columns,
    /// The top of the first lane.
    pub top: f64,
    /// The top of each lane.
    pub lane_top: Vec<f64>,
    /// The top of each bar.
    pub bar_y: Vec<f64>,
    pub axis_y: f64,
    pub height: f64,
}

pub fn locks(run: &Locks) -> LocksLayout {
    const TOP: f64 = 92.0;
    const ROW_H: f64 = 46.0;
    let rows = rows(&run.bars);
    let columns = columns(&run.times, LABEL_W + 30.0, WIDTH - RIGHT - 60.0);
    let mut lane_top = Vec::new();
    let mut y = TOP;
    for k in 0..run.lanes.len() {
        let lane_rows = run
            .bars
            .iter()
            .zip(&rows)
            .filter(|(b, _)| b.lane == k)
            .map(|(_, r)| r + 1)
            .max()
            .unwrap_or(1);
        lane_top.push(y);
        y += lane_rows as f64 * ROW_H + 22.0;
    }
    let axis_y = y + 18.0;
    let bar_y = run
        .bars
        .iter()
        .zip(&rows)
        .map(|(b, &r)| lane_top[b.lane] + 26.0 + r as f64 * ROW_H)
        .collect();
    LocksLayout {
        columns,
        top: TOP,
        lane_top,
        bar_y,
        axis_y,
        height: axis_y + 84.0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Picture;
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn columns_are_evenly_spaced_from_left_to_right() {
        let c = columns(&[0, 10, 20, 1_000], 100.0, 400.0);
        assert_eq!(c.xs, [100.0, 200.0, 300.0, 400.0]);
        assert!(c.cuts.is_empty());
        // Even spacing whatever the distance in time: the order counts.
        assert_eq!(columns(&[0, 1, 5_000_000], 0.0, 10.0).xs, [0.0, 5.0, 10.0]);
        assert_eq!(columns(&[7], 100.0, 400.0).xs, [100.0]);
    }

    #[test]
    fn a_long_gap_gets_a_cut_and_the_picture_keeps_its_width() {
        let second = 1_000_000_000;
        let c = columns(&[0, 1_000, second, second + 1], 100.0, 600.0);
        // 500 wide, 170 for the cut, 3 steps of 110.
        assert_eq!(c.xs, [100.0, 210.0, 490.0, 600.0]);
        assert_eq!(c.cuts, [350.0]);
        // Exactly LONG_GAP_NS is no cut; one more is.
        assert!(columns(&[0, LONG_GAP_NS], 0.0, 1.0).cuts.is_empty());
        assert_eq!(columns(&[0, LONG_GAP_NS + 1], 0.0, 500.0).cuts.len(), 1);
    }

    fn bar(lane: usize, from: usize, to: usize) -> Bar {
        Bar {
            lane,
            held: true,
            lock: "l".into(),
            place: "p".into(),
            from,
            to,
        }
    }

    #[test]
    fn overlapping_bars_of_a_lane_get_rows_of_their_own() {
        let bars = [
            bar(0, 0, 5), // row 0
            bar(0, 1, 3), // overlaps the first: row 1
            bar(1, 1, 9), // another lane: row 0
            bar(0, 3, 4), // the second ended at 3: row 1 again
            bar(0, 5, 9), // the first ended at 5: row 0 again
            bar(0, 6, 9), // overlaps the fifth, not the second: row 1
        ];
        assert_eq!(rows(&bars), [0, 1, 0, 1, 0, 1]);
    }

    #[test]
    fn no_two_bars_of_a_row_overlap() {
        // Every bar from every column to every later one, in two lanes.
        let mut bars = Vec::new();
        for from in 0..6 {
            for to in from + 1..7 {
                bars.push(bar(from % 2, from, to));
            }
        }
        let rows = rows(&bars);
        for (a, (x, rx)) in bars.iter().zip(&rows).enumerate() {
            for (y, ry) in bars[a + 1..].iter().zip(&rows[a + 1..]) {
                if x.lane == y.lane && rx == ry {
                    assert!(
                        x.to <= y.from || y.to <= x.from,
                        "{x:?} and {y:?} share row {rx}"
                    );
                }
            }
        }
    }

    #[test]
    fn lanes_are_as_high_as_their_rows_and_bars_sit_in_their_lane() {
        let events = parse(
            "10\tmain\twatchdog\tt\t1000\t-\n\
             20\tt\trequest\tbank\t-\ttransfer\n\
             30\tt\tacquired\tbank\t-\ttransfer\n\
             40\tt\trequest\tbank\t-\twithdraw\n",
        )
        .unwrap();
        let hang = "hang detected: thread `t` still blocked after 1.0 s\n";
        let run = Locks::new(Picture::Hang, events, hang).unwrap();
        let layout = locks(&run);
        // Lane `t`: a wait, then a hold with a wait beside it: two rows.
        // Lane `main (watchdog)`: no bars, one row.
        assert_eq!(run.lanes[0].name, "t");
        assert_eq!(layout.lane_top, [92.0, 92.0 + 2.0 * 46.0 + 22.0]);
        assert_eq!(layout.bar_y, [118.0, 118.0, 164.0]);
        assert_eq!(layout.axis_y, 92.0 + 114.0 + 68.0 + 18.0);
        assert_eq!(layout.height, layout.axis_y + 84.0);
        // A cut before the watchdog's end, a second after the last event.
        assert_eq!(layout.columns.xs.len(), 5);
        assert_eq!(layout.columns.cuts.len(), 1);
        assert_eq!(layout.columns.xs[0], LABEL_W + 30.0);
        assert_eq!(layout.columns.xs[4], WIDTH - RIGHT - 60.0);
    }
}
