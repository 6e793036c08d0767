// Hand-written SVG charts: a sparkline, a line chart of several series over
// time, and bar charts.  Colours come from CSS classes (app.css), so the
// charts follow the light and dark themes; each chart carries a text
// alternative.

import { h, s } from "./dom.js";
import * as fmt from "./fmt.js";

const PALETTE = 10;	// .series-0 .. .series-9 in app.css

function extent(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    lo -= lo ? Math.abs(lo) * 0.05 : 1;
    hi += hi ? Math.abs(hi) * 0.05 : 1;
  }
  return [lo, hi];
}

const round = (v) => Math.round(v * 10) / 10;

/*
 * A sparkline of points [{t, v}] (t in ms) as a step line: a price holds
 * until it changes.  One point draws a flat line.  label is its text
 * alternative.
 */
export function sparkline(points, { width = 96, height = 26, label = "" } = {}) {
  const pts = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
  const svg = s("svg", {
    class: "sparkline", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": label,
  });
  if (pts.length === 0) return svg;
  if (pts.length === 1) pts.push({ t: pts[0].t + 1, v: pts[0].v });
  const [t0, t1] = extent(pts.map((p) => p.t));
  const [v0, v1] = extent(pts.map((p) => p.v));
  const x = (t) => round(2 + ((t - t0) / (t1 - t0)) * (width - 6));
  const y = (v) => round(height - 3 - ((v - v0) / (v1 - v0)) * (height - 6));
  const d = pts.map((p, i) => (i === 0 ? `M${x(p.t)},${y(p.v)}` : `H${x(p.t)}V${y(p.v)}`)).join("");
  const first = pts[0].v, last = pts[pts.length - 1].v;
  const trend = last < first ? "shortening" : last > first ? "drifting" : "steady";
  svg.classList.add(trend);
  svg.append(s("path", { d, class: "line" }),
    s("circle", { cx: x(pts[pts.length - 1].t), cy: y(last), r: 2, class: "dot" }));
  return svg;
}

/* Up to n "nice" ticks between lo and hi. */
function ticks(lo, hi, n) {
  const step0 = (hi - lo) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= step0) || step0;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

/*
 * A line chart of series [{name, points: [{t, v}], emphasis}] against time,
 * with axes, and a legend (HTML) beside it.  Returns a <figure>.
 */
export function lineChart(series, { width = 640, height = 260, title = "", yLabel = "" } = {}) {
  const pad = { l: 44, r: 18, t: 22, b: 26 };
  const all = series.flatMap((se) => se.points).filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
  const svg = s("svg", {
    class: "linechart", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title}: ${series.length} lines`,
  });
  const legend = h("ul", { class: "legend" });
  const fig = h("figure", { class: "chart" }, svg, legend);
  if (all.length === 0) {
    svg.append(s("text", { x: width / 2, y: height / 2, class: "axis-label", "text-anchor": "middle" }, "No price movement yet"));
    return fig;
  }
  const [t0, t1] = extent(all.map((p) => p.t));
  const [v0, v1] = extent(all.map((p) => p.v));
  const x = (t) => round(pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r));
  const y = (v) => round(height - pad.b - ((v - v0) / (v1 - v0)) * (height - pad.t - pad.b));
  const axes = s("g", { class: "axes" });
  for (const v of ticks(v0, v1, 5)) {
    axes.append(s("line", { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid" }),
      s("text", { x: pad.l - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, v.toFixed(2)));
  }
  const span = t1 - t0;
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (span * i) / 4;
    const anchor = i === 0 ? "start" : i === 4 ? "end" : "middle";
    axes.append(s("text", { x: x(t), y: height - 8, "text-anchor": anchor, class: "tick" }, fmt.time(t)));
  }
  if (yLabel) axes.append(s("text", { x: 4, y: 12, class: "axis-label" }, yLabel));
  svg.append(axes);
  series.forEach((se, i) => {
    const pts = se.points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
    if (pts.length === 0) return;
    const cls = `series series-${i % PALETTE}${se.emphasis ? " emphasis" : ""}${i >= PALETTE ? " dashed" : ""}`;
    const d = pts.map((p, k) => (k === 0 ? `M${x(p.t)},${y(p.v)}` : `H${x(p.t)}V${y(p.v)}`)).join("")
      + `H${x(t1)}`;
    const g = s("g", { class: cls, "data-series": se.name },
      s("title", null, `${se.name}: ${pts.map((p) => p.v.toFixed(2)).join(" → ")}`),
      s("path", { d, class: "line" }));
    svg.append(g);
    const last = pts[pts.length - 1].v;
    legend.append(h("li", { class: cls },
      h("span", { class: "swatch", "aria-hidden": "true" }),
      h("span", { class: "name" }, se.name), " ",
      h("span", { class: "value" }, last.toFixed(2))));
  });
  return fig;
}

/*
 * Vertical bars of items [{label, value}] in the order given, with the
 * value over each bar.  Returns an <svg>.
 */
export function barChart(items, { width = 360, height = 160, title = "" } = {}) {
  const pad = { l: 6, r: 6, t: 16, b: 30 };
  const svg = s("svg", {
    class: "barchart", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title}: ${items.map((it) => `${it.label} ${fmt.num(it.value)}`).join(", ") || "no data"}`,
  });
  if (items.length === 0) {
    svg.append(s("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis-label" }, "No data yet"));
    return svg;
  }
  const max = Math.max(1, ...items.map((it) => Number(it.value) || 0));
  const slot = (width - pad.l - pad.r) / items.length;
  const bw = Math.max(2, Math.min(40, slot * 0.7));
  items.forEach((it, i) => {
    const v = Number(it.value) || 0;
    const bh = ((height - pad.t - pad.b) * v) / max;
    const cx = pad.l + slot * i + slot / 2;
    svg.append(s("g", { class: "bar" },
      s("title", null, `${it.label}: ${fmt.num(v)}`),
      s("rect", { x: round(cx - bw / 2), y: round(height - pad.b - bh), width: round(bw), height: round(Math.max(bh, 0.5)) }),
      items.length <= 12 ? s("text", { x: round(cx), y: round(height - pad.b - bh - 4), "text-anchor": "middle", class: "tick" }, fmt.num(v)) : null,
      items.length <= 12 || i % Math.ceil(items.length / 8) === 0
        ? s("text", { x: round(cx), y: height - pad.b + 14, "text-anchor": "middle", class: "tick" }, it.short || it.label)
        : null));
  });
  return svg;
}

/* Horizontal bars of items [{label, value}], one row each.  Returns an <svg>. */
export function hbarChart(items, { width = 360, row = 18, title = "" } = {}) {
  const labelW = 120, valueW = 56;
  const height = Math.max(row, items.length * row) + 4;
  const svg = s("svg", {
    class: "hbarchart", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title}: ${items.map((it) => `${it.label} ${fmt.num(it.value)}`).join(", ") || "no data"}`,
  });
  if (items.length === 0) {
    svg.append(s("text", { x: width / 2, y: row, "text-anchor": "middle", class: "axis-label" }, "No data yet"));
    return svg;
  }
  const max = Math.max(1, ...items.map((it) => Number(it.value) || 0));
  items.forEach((it, i) => {
    const v = Number(it.value) || 0;
    const w = ((width - labelW - valueW) * v) / max;
    const yy = i * row + 2;
    svg.append(s("g", { class: "bar" },
      s("title", null, `${it.label}: ${fmt.num(v)}`),
      s("text", { x: labelW - 6, y: yy + row * 0.7, "text-anchor": "end", class: "tick" }, it.label),
      s("rect", { x: labelW, y: yy + 2, width: round(Math.max(w, 0.5)), height: row - 5 }),
      s("text", { x: round(labelW + w + 4), y: yy + row * 0.7, class: "tick" }, fmt.num(v))));
  });
  return svg;
}

/*
 * Groups of vertical bars, groups [{label, values: [v per series]}], with
 * a legend of series (names) and each value over its bar.  Returns a
 * <figure>.
 */
export function groupedBarChart(groups, { width = 640, height = 220, title = "", series = [], unit = "", max = null } = {}) {
  const pad = { l: 36, r: 8, t: 18, b: 28 };
  const label = groups.map((g) => `${g.label}: ${g.values.map((v, i) => `${series[i] || i} ${fmt.missing(v) ? "none" : v + unit}`).join(", ")}`).join("; ");
  const svg = s("svg", {
    class: "barchart groupedbar", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title}: ${label || "no data"}`,
  });
  const legend = h("ul", { class: "legend legend-inline" }, series.map((name, i) => h("li", { class: `series-${i % PALETTE}` },
    h("span", { class: "swatch", "aria-hidden": "true" }), h("span", { class: "name" }, name))));
  const fig = h("figure", { class: "chart chart-bars" }, svg, legend);
  if (groups.length === 0) {
    svg.append(s("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis-label" }, "No data yet"));
    return fig;
  }
  const top = max || Math.max(1, ...groups.flatMap((g) => g.values.map((v) => Number(v) || 0)));
  const plotH = height - pad.t - pad.b;
  const y = (v) => round(height - pad.b - (plotH * v) / top);
  const axes = s("g", { class: "axes" });
  for (const v of ticks(0, top, 4)) {
    axes.append(s("line", { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid" }),
      s("text", { x: pad.l - 4, y: y(v) + 4, "text-anchor": "end", class: "tick" }, `${v}${unit}`));
  }
  svg.append(axes);
  const slot = (width - pad.l - pad.r) / groups.length;
  const n = Math.max(1, series.length || groups[0].values.length);
  const bw = Math.max(2, Math.min(28, (slot * 0.8) / n));
  groups.forEach((g, gi) => {
    const x0 = pad.l + slot * gi + (slot - bw * n) / 2;
    const grp = s("g", { class: "group", "data-label": g.label });
    g.values.forEach((v, i) => {
      const val = Number(v);
      const ok = !fmt.missing(v) && Number.isFinite(val);
      const yy = ok ? y(Math.max(0, val)) : height - pad.b;
      grp.append(s("g", { class: `bar series-${i % PALETTE}`, "data-series": series[i] || String(i), "data-value": ok ? val : "" },
        s("title", null, `${g.label}, ${series[i] || i}: ${ok ? `${val}${unit}` : "none"}`),
        s("rect", { x: round(x0 + bw * i), y: yy, width: round(bw - 1), height: round(Math.max(height - pad.b - yy, 0.5)) }),
        ok && groups.length * n <= 24 ? s("text", { x: round(x0 + bw * i + bw / 2), y: yy - 3, "text-anchor": "middle", class: "tick" }, Math.round(val)) : null));
    });
    grp.append(s("text", { x: round(pad.l + slot * gi + slot / 2), y: height - pad.b + 15, "text-anchor": "middle", class: "tick" }, g.label));
    svg.append(grp);
  });
  return fig;
}
