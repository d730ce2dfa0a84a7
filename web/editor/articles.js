/* The article editor: load or start an article, preview which real questions would get a
 * different answer (live index vs. a candidate index with this edit), then save it to the
 * FAQ sources. Saving does not make it live; a deploy does. */
import { $, api, el, notice, row, showError, working } from "./api.js";
import { count } from "/shared/format.js";
import { currentLang, onLangChange, t } from "./i18n.js";

const lists = new Map();  // lang -> promise of [{id, lang, category, title, updated}]
const changeListeners = [];
let lastPreview = null;

/** Called after an article was saved (the inbox's article pickers refresh). */
export function onArticlesChanged(listener) { changeListeners.push(listener); }

/** The articles of one language (cached; the inbox uses it for its article picker). */
export function articleList(lang) {
  if (!lists.has(lang)) {
    const request = api("GET", `/articles?lang=${lang}`).then((d) => d.articles);
    request.catch(() => lists.delete(lang));
    lists.set(lang, request);
  }
  return lists.get(lang);
}

export async function startArticles() {
  $("article-list-lang").addEventListener("change", () => fillPicker().catch(showError));
  $("article-load").addEventListener("click", () => loadArticle($("article-pick").value).catch(showError));
  $("article-new").addEventListener("click", () => fillForm({ lang: $("article-list-lang").value }));
  $("article-preview").addEventListener("click", () => preview().catch(showError));
  $("article-form").addEventListener("submit", (e) => { e.preventDefault(); save().catch(showError); });
  onLangChange(() => { if (lastPreview) showPreview(lastPreview); });
  await fillPicker();
}

async function fillPicker() {
  const articles = await articleList($("article-list-lang").value);
  const pick = $("article-pick");
  pick.replaceChildren(...articles.map((a) => {
    const option = el("option", null, `${a.title} (${a.id})`);
    option.value = a.id;
    return option;
  }));
}

export async function loadArticle(id) {
  if (!id) return;
  fillForm(await api("GET", `/articles/${encodeURIComponent(id)}`));
}

function fillForm(article) {
  $("f-id").value = article.id || "";
  $("f-lang").value = article.lang || "en";
  $("f-category").value = article.category || "";
  $("f-title").value = article.title || "";
  $("f-questions").value = (article.questions || []).join("\n");
  $("f-answer").value = article.answer || "";
  $("f-tags").value = (article.tags || []).join(", ");
  clearPreview();
}

function formArticle() {
  const lines = (text, sep) => text.split(sep).map((s) => s.trim()).filter(Boolean);
  return {
    id: $("f-id").value.trim(), lang: $("f-lang").value, category: $("f-category").value.trim(),
    title: $("f-title").value.trim(), questions: lines($("f-questions").value, "\n"),
    answer: $("f-answer").value.trim(), tags: lines($("f-tags").value, ","),
  };
}

async function preview() {
  if (!$("article-form").reportValidity()) return;
  const article = formArticle();
  showPreview(await working(formButtons(), () => api("POST", "/articles/preview", article)));
}

function formButtons() { return [$("article-preview"), $("article-save")]; }

function clearPreview() {
  lastPreview = null;
  $("preview-summary").textContent = "";
  $("preview-rows").replaceChildren();
  $("preview-table").hidden = true;
}

function showPreview(result) {
  lastPreview = result;
  $("preview-summary").textContent = t("preview_summary", count(result.replayed, currentLang()),
                                                   count(result.changed.length, currentLang()));
  $("preview-rows").replaceChildren(...result.changed.map((change) =>
    row([change.text, change.lang, answerText(change.live), answerText(change.candidate)])));
  $("preview-table").hidden = result.changed.length === 0;
}

function answerText(answer) {
  if (!answer || !answer.article_id) return `${t("no_answer")} (${(answer && answer.decision) || "none"})`;
  return `${answer.title || answer.article_id} (${answer.decision})`;
}

async function save() {
  const article = formArticle();
  const path = `/articles/${encodeURIComponent(article.id)}`;
  const result = await working(formButtons(), () => api("PUT", path, article));
  lists.delete(article.lang);
  notice(t("saved", (result.changed_files || []).join(", ") || t("nothing")), "ok");
  if ($("article-list-lang").value === article.lang) await fillPicker();
  changeListeners.forEach((listener) => listener(article));
}
