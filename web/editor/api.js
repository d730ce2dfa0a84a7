/* The editor API client and the small DOM helpers every section shares. Text from the API
 * (shopper questions, article answers, error messages) only ever goes into textContent. */
import { fixed, moment } from "/shared/format.js";
import { currentLang, t } from "./i18n.js";

const TOKEN_KEY = "shopassist:editor-token";
let token = sessionStorage.getItem(TOKEN_KEY) || "";

export function savedToken() { return token; }
export function setToken(value) { token = value; }
export function rememberToken() { sessionStorage.setItem(TOKEN_KEY, token); }
export function forgetToken() { token = ""; sessionStorage.removeItem(TOKEN_KEY); }

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** Call /api/v1/editor<path>; resolve with the JSON body, reject with the API's own error message. */
export async function api(method, path, body) {
  let response;
  try {
    response = await fetch("/api/v1/editor" + path, {
      method,
      headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, t("network"));
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, (data && data.error && data.error.message) || `HTTP ${response.status}`);
  }
  return data;
}

/** An authenticated image (an <img src> cannot send the token) as a data: URL, which the CSP allows. */
export async function imageData(path) {
  const response = await fetch("/api/v1/editor" + path, { headers: { Authorization: "Bearer " + token } });
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
  const blob = await response.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

export const $ = (id) => document.getElementById(id);

export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function button(label, cls, onClick) {
  const node = el("button", cls, label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** One row of cells (strings or nodes). */
export function row(cells, tag = "td") {
  const tr = el("tr");
  cells.forEach((cell) => {
    const td = el(tag);
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell ?? "—";
    tr.appendChild(td);
  });
  return tr;
}

/** The page-wide message bar: kind "error" or "ok"; an empty text hides it. */
export function notice(text, kind = "error") {
  const bar = $("alert");
  bar.textContent = text || "";
  bar.className = "alert " + kind;
  bar.hidden = !text;
}

export function showError(err) { notice(err && err.message ? err.message : String(err), "error"); }

/** Run a slow request (validating sources, building a preview index) with `controls` disabled
 * and a "working" line shown, so a second click cannot send it twice. */
export async function working(controls, task) {
  controls.forEach((control) => { control.disabled = true; });
  notice(t("working"), "info");
  try {
    return await task();
  } finally {
    controls.forEach((control) => { control.disabled = false; });
    if ($("alert").textContent === t("working")) notice("");
  }
}

/** A timestamp from the API (ISO text or epoch seconds): YYYY-MM-DD HH:MM, local time (web/shared/format.js). */
export function when(value) { return moment(value); }

/** Who made a change: the API records an actor as {id, name, role} (or a plain name). */
export function who(actor) {
  if (!actor) return "—";
  return typeof actor === "string" ? actor : actor.name || actor.id || "—";
}

/** A score or confidence in 0..1 with two decimals, in the UI language's digits. */
export function score(value) { return fixed(value, currentLang(), 2); }
