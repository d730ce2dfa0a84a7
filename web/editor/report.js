/* The evaluation report: macro-F1 (overall and per language), the KB index's own scores,
 * per-intent F1 as bars, the macro-F1 trend across deployed versions, the confusion-matrix PNG
 * and the misclassified examples. "latest" is the newest test run, deployed or not; on a fresh
 * install that is v1's, or the page says v1's report is still being prepared. */
import { $, api, el, imageData, row, score, showError } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { onLangChange, t } from "./i18n.js";
import {
  isPending, liveVersion, loadVersions, macroTrend, onVersionsLoaded, versionOption, versionsData,
} from "./versions.js";

let report = null;
let shown = null;  // the version record the report belongs to, when it is a version's
let pending = null;  // the version whose report is not ready yet, when that is why there is none

export function startReport() {
  $("report-version").addEventListener("change", () => loadReport().catch(showError));
  $("report-refresh").addEventListener("click", () => loadVersions().then(loadReport).catch(showError));
  onVersionsLoaded((data) => {
    const pick = $("report-version"), chosen = pick.value;
    const latest = el("option", null, t("latest"));
    latest.value = "latest";
    pick.replaceChildren(latest, ...data.versions.map(versionOption));
    if ([...pick.options].some((o) => o.value === chosen)) pick.value = chosen;
    if (report) render();
  });
  onLangChange(() => {
    $("report-version").options[0].textContent = t("latest");
    if (report) render(); else renderEmpty();
  });
}

async function fetchReport(version) {
  try {
    return await api("GET", `/reports/${encodeURIComponent(version)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    return null;
  }
}

export async function loadReport() {
  const version = $("report-version").value || "latest";
  const live = liveVersion();
  shown = versionsData().versions.find((v) => v.id === version) || null;
  report = await fetchReport(version);
  // on a fresh install the latest test is the install's own, of the live model
  if (version === "latest" && report && live && live.model_hash === report.model_hash) shown = live;
  pending = report ? null : [shown, version === "latest" ? live : null].find(isPending) || null;
  $("report-empty").hidden = report !== null;
  $("report-body").hidden = report === null;
  if (!report) { renderEmpty(); return; }
  render();
  const image = $("confusion");
  image.hidden = true;
  try {
    image.src = await imageData(`/reports/${encodeURIComponent(report.version || version)}/confusion.png`);
    image.alt = t("confusion");
    image.hidden = false;
  } catch (err) { if (err.status !== 404) showError(err); }
}

function renderEmpty() {
  $("report-empty").textContent = pending ? t("report_pending", pending.id) : t("no_report");
}

/** The KB index's scores on its dev set, kept with the version (in-sample: see docs/kb.md). */
function kbLine() {
  let line = $("report-kb");
  if (!line) {
    line = el("p", "help");
    line.id = "report-kb";
    $("report-langs").after(line);
  }
  const kb = shown && shown.kb;
  line.hidden = !kb;
  if (!kb) return;
  line.textContent = [t("kb_index", shown.index_version), ...Object.entries(kb.by_language || {}).map(([lang, s]) =>
    t("kb_lang", t("lang_" + lang), score(s.top1), score(s.answer_precision), score(s.coverage)))].join(" ");
}

function render() {
  $("report-macro").textContent = t("macro_f1", score(report.macro_f1));
  $("report-langs").replaceChildren(...Object.entries(report.lang || {})
    .filter(([, value]) => value && typeof value.macro_f1 === "number")
    .map(([lang, value]) => el("li", null, t("lang_f1", t("lang_" + lang), score(value.macro_f1)))));
  kbLine();
  const intents = Object.entries(report.per_intent || {});
  $("chart-f1").replaceChildren(barChart(intents.map(([name, m]) => ({ label: name, value: m.f1 })), t("per_intent")));
  const trend = macroTrend();
  $("chart-trend").replaceChildren(trend.length ? lineChart(trend, t("trend"))
    : el("p", "help", t(versionsData().versions.length ? "no_trend" : "no_versions")));
  $("misclassified-rows").replaceChildren(...(report.misclassified || []).map((m) =>
    row([m.text, m.expected, m.predicted, score(m.confidence)])));
  $("intent-rows").replaceChildren(...intents.map(([name, m]) =>
    row([name, score(m.precision), score(m.recall), score(m.f1), m.support])));
}
