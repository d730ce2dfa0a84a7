/* The miss inbox: clusters of unanswered questions per language (and kind of miss), refreshed
 * every few seconds, each resolved by adding (the ticked) examples to an intent or an article,
 * or by marking it out of scope or dismissing it. A cluster that did not change keeps its node,
 * so a refresh does not undo the editor's ticks and choices. Only a confident suggestion is
 * pre-selected; a low-confidence one is shown as a hint and leaves the choice empty. */
import { $, api, button, el, notice, score, showError, when, who, working } from "./api.js";
import { articleList, onArticlesChanged } from "./articles.js";
import { onLangChange, t } from "./i18n.js";

const REFRESH_MS = 3000;
let intents = [];
let shown = new Map();  // cluster id -> {signature, node}
let timer = null;

export async function startInbox() {
  intents = (await api("GET", "/intents")).intents.map((i) => i.name).sort();
  $("inbox-lang").addEventListener("change", () => refresh(true));
  $("inbox-status").addEventListener("change", () => refresh(true));
  $("inbox-kind").addEventListener("change", () => refresh(true));
  $("inbox-refresh").addEventListener("click", () => refresh(true));
  onLangChange(() => refresh(true));
  onArticlesChanged(() => refresh(true).catch(showError));
  await refresh(true);
  timer = setInterval(() => { if (!$("inbox").hidden) refresh(false).catch(() => {}); }, REFRESH_MS);
}

export function stopInbox() { clearInterval(timer); }

async function refresh(rebuild) {
  const lang = $("inbox-lang").value, status = $("inbox-status").value, kind = $("inbox-kind").value;
  const query = new URLSearchParams({ lang, status, ...(kind ? { kind } : {}) });
  const [data, articles] = await Promise.all([api("GET", `/misses/clusters?${query}`), articleList(lang)]);
  if (rebuild) shown = new Map();
  const next = new Map();
  const list = $("clusters");
  list.replaceChildren(...data.clusters.map((cluster) => {
    const signature = JSON.stringify(cluster);
    const old = shown.get(cluster.id);
    const node = old && old.signature === signature ? old.node : clusterNode(cluster, articles);
    next.set(cluster.id, { signature, node });
    return node;
  }));
  shown = next;
  $("clusters-empty").hidden = data.clusters.length > 0;
}

function clusterNode(cluster, articles) {
  const li = el("li", "cluster card");
  li.dataset.cluster = cluster.id;
  const head = el("div", "cluster-head");
  head.append(el("strong", "count", t("count", cluster.count)), el("span", "badge", cluster.lang),
              el("span", "badge " + cluster.status, t("status_" + cluster.status)),
              ...Object.entries(cluster.kinds || {}).map(([kind, n]) =>
                el("span", "badge kind " + kind, `${t("miss_" + kind)} ${t("times", n)}`)));
  li.append(head, el("p", "seen", t("seen", when(cluster.first_seen), when(cluster.last_seen))));

  const examples = el("fieldset", "examples");
  examples.appendChild(el("legend", null, t("examples")));
  cluster.examples.forEach((text, i) => {
    const label = el("label", "example"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = text;
    label.append(box, el("span", null, text));
    const times = (cluster.example_counts || [])[i];
    if (times > 1) label.appendChild(el("span", "times", t("times", times)));
    examples.appendChild(label);
  });
  if (cluster.more > 0) examples.appendChild(el("p", "more", t("more_examples", cluster.more)));
  li.append(examples, el("p", "suggestion", suggestionText(cluster.suggestion)));
  if (cluster.status === "resolved") {
    li.appendChild(el("p", "resolution", t("resolution", describe(cluster.resolution))));
    return li;
  }
  li.appendChild(actions(cluster, articles, examples));
  return li;
}

function actions(cluster, articles, examples) {
  const suggestion = cluster.suggestion || {};
  const ticked = () => [...examples.querySelectorAll("input:checked")].map((box) => box.value);
  const intentPick = select(intents.map((name) => [name, name]), confident(suggestion.intent), t("intent"));
  const articlePick = select(articles.map((a) => [a.id, `${a.title} (${a.id})`]),
                             confident(suggestion.article), t("article"));
  intentPick.classList.add("intent-pick");
  articlePick.classList.add("article-pick");
  const box = el("div", "cluster-actions");
  box.append(
    intentPick,
    button(t("add_to_intent"), "add-intent", () => withExamples(ticked(), intentPick.value, (examples_) =>
      resolve(cluster, { action: "add_to_intent", intent: intentPick.value, examples: examples_ }))),
    articlePick,
    button(t("add_to_article"), "add-article", () => withExamples(ticked(), articlePick.value, (questions) =>
      resolve(cluster, { action: "add_to_article", article_id: articlePick.value, questions }))),
    button(t("out_of_scope"), "quiet out-of-scope", () => resolve(cluster, { action: "out_of_scope" })),
    button(t("dismiss"), "quiet dismiss", () => resolve(cluster, { action: "dismiss" })));
  return box;
}

/** The id or name of a suggestion worth pre-selecting, or null for a hint. */
function confident(suggested) {
  return suggested && suggested.confident ? suggested.name || suggested.id : null;
}

function withExamples(chosen, target, then) {
  if (!target) return notice(t("pick_target"));
  if (!chosen.length) return notice(t("pick_examples"));
  return then(chosen);
}

function select(options, preferred, label) {
  const node = el("select");
  node.setAttribute("aria-label", label);
  node.appendChild(el("option", null, "—")).value = "";
  options.forEach(([value, text]) => { node.appendChild(el("option", null, text)).value = value; });
  if (preferred && options.some(([value]) => value === preferred)) node.value = preferred;
  return node;
}

async function resolve(cluster, body) {
  const node = shown.get(cluster.id).node;
  try {
    const path = `/misses/clusters/${encodeURIComponent(cluster.id)}/resolve`;
    const result = await working([...node.querySelectorAll("button, select")], () => api("POST", path, body));
    notice(t("resolved", t(body.action), (result.changed_files || []).join(", ") || t("nothing")), "ok");
    await refresh(true);
  } catch (err) { showError(err); }
}

function suggestionText(suggestion) {
  const parts = [];
  const intent = suggestion && suggestion.intent, article = suggestion && suggestion.article;
  if (intent) parts.push(t(intent.confident ? "suggest_intent" : "hint_intent", intent.name, score(intent.confidence)));
  if (article) parts.push(t(article.confident ? "suggest_article" : "hint_article", article.title, score(article.score)));
  return parts.length ? parts.join(" · ") : t("no_suggestion");
}

function describe(resolution) {
  if (!resolution) return "—";
  const target = resolution.intent || resolution.article_id || "";
  return [t(resolution.action), target, resolution.actor && who(resolution.actor)].filter(Boolean).join(" · ");
}
