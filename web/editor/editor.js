/* ShopAssist editor page: sign-in with an editor token (kept in sessionStorage), tabs for the
 * miss inbox, the article editor, train/test/deploy, the report and the version history, and
 * the English/Korean toggle. The sections live in their own modules. */
import { $, api, forgetToken, notice, rememberToken, savedToken, setToken, showError } from "./api.js";
import { startArticles } from "./articles.js";
import { applyStrings, currentLang, setLang, t } from "./i18n.js";
import { startInbox } from "./inbox.js";
import { onJobFinished, startJobs } from "./jobs.js";
import { loadReport, startReport } from "./report.js";
import { loadVersions, startVersions } from "./versions.js";

const ON_SHOW = {
  report: () => loadReport(),
  versions: () => loadVersions(),
};

function showTab(name) {
  document.querySelectorAll("[data-tab]").forEach((tab) => {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  });
  document.querySelectorAll("section.tab").forEach((section) => { section.hidden = section.id !== name; });
  notice("");
  if (ON_SHOW[name]) ON_SHOW[name]().catch(showError);
}

async function signIn() {
  try {
    await api("GET", "/intents");  // the cheapest call that needs an editor token
  } catch (err) {
    forgetToken();
    $("sign-in-error").textContent = t("sign_in_failed", err.message);
    return;
  }
  rememberToken();
  $("sign-in-error").textContent = "";
  $("sign-in").hidden = true;
  $("desk").hidden = false;
  $("sign-out").hidden = false;
  startReport();
  startJobs();
  onJobFinished((job) => {
    if (job.state === "succeeded" && job.kind !== "train") loadVersions().then(loadReport).catch(showError);
  });
  showTab("inbox");
  await Promise.all([startInbox(), startArticles(), startVersions()]).catch(showError);
}

$("sign-in").addEventListener("submit", (e) => {
  e.preventDefault();
  setToken($("token").value.trim());
  signIn();
});
$("sign-out").addEventListener("click", () => { forgetToken(); location.reload(); });
$("lang-toggle").addEventListener("click", () => setLang(currentLang() === "en" ? "ko" : "en"));
document.querySelectorAll("[data-tab]").forEach((tab) => {
  tab.addEventListener("click", () => showTab(tab.dataset.tab));
});

applyStrings();
if (savedToken()) signIn();
