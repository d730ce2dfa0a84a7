/* Two small SVG charts built with DOM calls (no library, no markup strings): horizontal bars
 * for per-intent F1 (worst first, so problems are on top) and a line for macro-F1 per version.
 * Labels are set with textContent, so intent names and version ids cannot inject markup.
 * Numbers are written as everywhere else on the page (web/shared/format.js). */
import { fixed, number } from "/shared/format.js";
import { currentLang } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function node(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([name, value]) => n.setAttribute(name, String(value)));
  if (text !== undefined) n.textContent = String(text);
  return n;
}

function frame(width, height, label) {
  const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": label,
                            class: "chart" });
  svg.appendChild(node("title", {}, label));
  return svg;
}

/** bars: [{label, value in 0..1}] → <svg>, one row per bar, the value printed after it. */
export function barChart(bars, label) {
  const rowHeight = 20, labelWidth = 190, barWidth = 300, width = labelWidth + barWidth + 50;
  const sorted = [...bars].sort((a, b) => a.value - b.value || a.label.localeCompare(b.label));
  const svg = frame(width, rowHeight * sorted.length + 24, label);
  [0, 0.5, 1].forEach((tick) => {
    const x = labelWidth + tick * barWidth;
    svg.appendChild(node("line", { x1: x, x2: x, y1: 0, y2: rowHeight * sorted.length, class: "grid" }));
    svg.appendChild(node("text", { x, y: rowHeight * sorted.length + 16, "text-anchor": "middle", class: "tick" },
                       number(tick, currentLang())));
  });
  sorted.forEach((bar, i) => {
    const y = i * rowHeight;
    const g = node("g", { class: "bar" + (bar.value < 0.5 ? " weak" : "") });
    g.appendChild(node("text", { x: labelWidth - 6, y: y + 14, "text-anchor": "end" }, bar.label));
    g.appendChild(node("rect", { x: labelWidth, y: y + 3, height: rowHeight - 6,
                                 width: Math.max(1, Math.min(1, bar.value) * barWidth) }));
    g.appendChild(node("text", { x: labelWidth + Math.min(1, bar.value) * barWidth + 4, y: y + 14, class: "value" },
                       fixed(bar.value, currentLang(), 2)));
    g.appendChild(node("title", {}, `${bar.label}: ${fixed(bar.value, currentLang(), 3)}`));
    svg.appendChild(g);
  });
  return svg;
}

/** points: [{label, value}] oldest first → <svg> with a line, a dot per point and min/max on the axis. */
export function lineChart(points, label) {
  const width = 540, height = 180, left = 44, right = 16, top = 12, bottom = 34;
  const svg = frame(width, height, label);
  const values = points.map((p) => p.value);
  const low = Math.max(0, Math.min(...values) - 0.05), high = Math.min(1, Math.max(...values) + 0.05);
  const span = high - low || 1;
  const x = (i) => left + (points.length === 1 ? 0.5 : i / (points.length - 1)) * (width - left - right);
  const y = (v) => top + (1 - (v - low) / span) * (height - top - bottom);
  svg.appendChild(node("line", { x1: left, x2: left, y1: top, y2: height - bottom, class: "axis" }));
  svg.appendChild(node("line", { x1: left, x2: width - right, y1: height - bottom, y2: height - bottom, class: "axis" }));
  [low, high].forEach((v) => svg.appendChild(node("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end",
                                                             class: "tick" }, fixed(v, currentLang(), 2))));
  svg.appendChild(node("polyline", { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(" "), class: "line" }));
  points.forEach((p, i) => {
    const dot = node("circle", { cx: x(i), cy: y(p.value), r: 4, class: "dot" });
    dot.appendChild(node("title", {}, `${p.label}: ${fixed(p.value, currentLang(), 3)}`));
    svg.appendChild(dot);
    svg.appendChild(node("text", { x: x(i), y: height - bottom + 16, "text-anchor": "middle", class: "tick" },
                         p.label.slice(0, 8)));
  });
  return svg;
}
