/* Version history: every deploy with who, when, its macro-F1 and summary; roll back to any
 * earlier one. A fresh install's v1 (recorded by the install, actor role "system") is shown in
 * the page's language; its macro-F1 may still be pending. The list also feeds the report's
 * version picker and macro-F1 trend. */
import { $, api, button, el, notice, row, score, showError, when, who } from "./api.js";
import { onLangChange, t } from "./i18n.js";

let latest = { live: null, versions: [] };
const listeners = [];

export function onVersionsLoaded(listener) { listeners.push(listener); }
export function versionsData() { return latest; }
export function liveVersion() { return latest.versions.find((v) => v.id === latest.live) || null; }
export const isPending = (version) => Boolean(version && version.report === "pending");
const byInstall = (version) => Boolean(version.actor && version.actor.role === "system");

export async function startVersions() {
  onLangChange(render);
  await loadVersions();
}

export async function loadVersions() {
  latest = await api("GET", "/versions");
  render();
  listeners.forEach((listener) => listener(latest));
}

function render() {
  $("versions-empty").hidden = latest.versions.length > 0;
  $("version-rows").replaceChildren(...latest.versions.map((version) => {
    const isLive = version.id === latest.live;
    const label = el("span", null, version.id);
    if (isLive) label.appendChild(el("span", "badge live", t("live")));
    const action = isLive ? "" : button(t("rollback"), "rollback", () => rollback(version.id));
    const summary = [byInstall(version) ? t("installed") : version.summary, version.reason]
      .filter(Boolean).join(" — ");
    const macro = isPending(version) ? t("report_pending_short") : score(version.metrics && version.metrics.macro_f1);
    const tr = row([label, when(version.ts), byInstall(version) ? t("by_install") : who(version.actor), macro,
                    summary, action]);
    tr.dataset.version = version.id;
    return tr;
  }));
}

async function rollback(id) {
  if (!window.confirm(t("confirm_rollback", id))) return;
  try {
    const { version } = await api("POST", "/rollback", { version: id });
    notice(t("rolled_back", version.id), "ok");
    await loadVersions();
  } catch (err) { showError(err); }
}

/** [{label, value}] oldest first, for the trend chart. */
export function macroTrend() {
  return latest.versions
    .filter((v) => v.metrics && typeof v.metrics.macro_f1 === "number")
    .map((v) => ({ label: v.id, value: v.metrics.macro_f1 }))
    .reverse();
}

export function versionOption(version) {
  const option = el("option", null, `${version.id} · ${when(version.ts)}`);
  option.value = version.id;
  return option;
}
