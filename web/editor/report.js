/* The evaluation report: macro-F1 (overall and per language), per-intent F1 as bars, the
 * macro-F1 trend across deployed versions, the confusion-matrix PNG and the misclassified
 * examples. "latest" is the newest test run, deployed or not. */
import { $, api, el, imageData, row, score, showError } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { onLangChange, t } from "./i18n.js";
import { macroTrend, onVersionsLoaded, versionOption } from "./versions.js";

let report = null;

export function startReport() {
  $("report-version").addEventListener("change", () => loadReport().catch(showError));
  $("report-refresh").addEventListener("click", () => loadReport().catch(showError));
  onVersionsLoaded((data) => {
    const pick = $("report-version"), chosen = pick.value;
    const latest = el("option", null, t("latest"));
    latest.value = "latest";
    pick.replaceChildren(latest, ...data.versions.map(versionOption));
    if ([...pick.options].some((o) => o.value === chosen)) pick.value = chosen;
    if (report) render();
  });
  onLangChange(() => { $("report-version").options[0].textContent = t("latest"); if (report) render(); });
}

export async function loadReport() {
  const version = $("report-version").value || "latest";
  try {
    report = await api("GET", `/reports/${encodeURIComponent(version)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    report = null;
  }
  $("report-empty").hidden = report !== null;
  $("report-body").hidden = report === null;
  if (!report) return;
  render();
  const image = $("confusion");
  image.hidden = true;
  try {
    image.src = await imageData(`/reports/${encodeURIComponent(report.version || version)}/confusion.png`);
    image.alt = t("confusion");
    image.hidden = false;
  } catch (err) { if (err.status !== 404) showError(err); }
}

function render() {
  $("report-macro").textContent = t("macro_f1", score(report.macro_f1));
  $("report-langs").replaceChildren(...Object.entries(report.lang || {})
    .filter(([, value]) => value && typeof value.macro_f1 === "number")
    .map(([lang, value]) => el("li", null, t("lang_f1", t("lang_" + lang), score(value.macro_f1)))));
  const intents = Object.entries(report.per_intent || {});
  $("chart-f1").replaceChildren(barChart(intents.map(([name, m]) => ({ label: name, value: m.f1 })), t("per_intent")));
  const trend = macroTrend();
  $("chart-trend").replaceChildren(trend.length ? lineChart(trend, t("trend")) : el("p", "help", t("no_versions")));
  $("misclassified-rows").replaceChildren(...(report.misclassified || []).map((m) =>
    row([m.text, m.expected, m.predicted, score(m.confidence)])));
  $("intent-rows").replaceChildren(...intents.map(([name, m]) =>
    row([name, score(m.precision), score(m.recall), score(m.f1), m.support])));
}
