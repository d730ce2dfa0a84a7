/* Train, test and deploy as jobs: start one, then poll it every second and show its progress
 * lines as they come. The running job's id survives a page reload (sessionStorage). */
import { $, api, el, notice, showError, when } from "./api.js";
import { onLangChange, t } from "./i18n.js";

const POLL_MS = 1000;
const JOB_KEY = "shopassist:editor-job";
const finishedListeners = [];
let current = null;

/** Called with each job that finished (succeeded or failed). */
export function onJobFinished(listener) { finishedListeners.push(listener); }

export function startJobs() {
  $("job-train").addEventListener("click", () => start({ kind: "train" }));
  $("job-test").addEventListener("click", () => start({ kind: "test" }));
  $("deploy-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { kind: "deploy", force: $("deploy-force").checked };
    const summary = $("deploy-summary").value.trim(), reason = $("deploy-reason").value.trim();
    if (summary) body.summary = summary;
    if (reason) body.reason = reason;
    start(body);
  });
  onLangChange(() => { if (current) show(current); });
  const running = sessionStorage.getItem(JOB_KEY);
  if (running) follow(running);
}

async function start(body) {
  try {
    const { job } = await api("POST", "/jobs", body);
    notice("");
    show(job);
    follow(job.id);
  } catch (err) { showError(err); }
}

function follow(id) {
  sessionStorage.setItem(JOB_KEY, id);
  busy(true);
  const poll = async () => {
    let job;
    try {
      job = (await api("GET", `/jobs/${encodeURIComponent(id)}`)).job;
    } catch (err) {
      if (err.status === 404) return finish(null);
      showError(err);
      return setTimeout(poll, POLL_MS * 3);
    }
    show(job);
    if (job.state === "running") return setTimeout(poll, POLL_MS);
    return finish(job);
  };
  poll();
}

function finish(job) {
  sessionStorage.removeItem(JOB_KEY);
  busy(false);
  if (!job) return;
  if (job.state === "failed") notice(job.error || t("state_failed"));
  else if (job.kind === "deploy" && job.result && job.result.version) notice(t("deployed", job.result.version.id), "ok");
  finishedListeners.forEach((listener) => listener(job));
}

function busy(on) {
  ["job-train", "job-test", "job-deploy"].forEach((id) => { $(id).disabled = on; });
}

function show(job) {
  current = job;
  const title = $("job-title");
  title.textContent = t("job", t("kind_" + job.kind), t("state_" + job.state));
  title.className = "job-" + job.state;
  title.dataset.state = job.state;
  title.dataset.job = job.id;
  $("job-progress").replaceChildren(...job.progress.map((step) => {
    const li = el("li");
    li.append(el("time", null, when(step.ts)), el("span", null, step.message));
    return li;
  }));
  if (job.error) $("job-progress").appendChild(el("li", "error", job.error));
}
