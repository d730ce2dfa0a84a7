/* One date and number format for every staff page (editor, insights dashboard, agent console)
 * and its charts, in both UI languages.
 *
 * Dates are ISO 8601 in English and in Korean alike: a day is YYYY-MM-DD, a moment is
 * YYYY-MM-DD HH:MM (24-hour clock) in the viewer's own time zone. Chosen over each locale's own
 * format because en-GB (DD/MM/YYYY) and en-US (MM/DD/YYYY) read the same digits as different
 * days, because an editor and a lead comparing screens in two languages should see the same
 * text, and because it is how the API and the dashboard's filters write a day. A day the API
 * already names (the dashboard's UTC days) is shown as it is, never moved into the viewer's zone.
 *
 * Numbers go through Intl.NumberFormat of the UI language ("en", or "ko-KR" for ko): counts with
 * digit grouping, percentages with at most one decimal, scores with fixed decimals, durations in
 * the language's own units ("4.2 sec", "4.2초"). Anything missing is shown as "—".
 */
const LOCALES = { en: "en", ko: "ko-KR" };
const MISSING = "—";
const cache = new Map();

function numbers(lang, options) {
  const locale = LOCALES[lang] || LOCALES.en;
  const key = locale + JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale, options));
  return cache.get(key);
}

function missing(value) { return value === null || value === undefined || value === "" || Number.isNaN(value); }

/** A count: 1234 → "1,234". */
export function count(value, lang) {
  return missing(value) ? MISSING : numbers(lang, { maximumFractionDigits: 0 }).format(value);
}

/** A number with at most `digits` decimals: an average, an amount of money. */
export function number(value, lang, digits = 2) {
  return missing(value) ? MISSING : numbers(lang, { maximumFractionDigits: digits }).format(value);
}

/** A number with exactly `digits` decimals: an F1 score or a confidence, 0.8 → "0.80". */
export function fixed(value, lang, digits = 2) {
  if (typeof value !== "number" || Number.isNaN(value)) return MISSING;
  return numbers(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A ratio in 0..1 as a percentage: 0.425 → "42.5%". */
export function percent(ratio, lang) {
  return missing(ratio) ? MISSING : numbers(lang, { style: "percent", maximumFractionDigits: 1 }).format(ratio);
}

/** Seconds as seconds, minutes or hours: 4.2 → "4.2 sec", 95 → "95 sec", 600 → "10 min". */
export function duration(seconds, lang) {
  if (missing(seconds)) return MISSING;
  const [value, unit, digits] = seconds < 10 ? [seconds, "second", 1] : seconds < 120 ? [seconds, "second", 0]
    : seconds < 7200 ? [seconds / 60, "minute", 1] : [seconds / 3600, "hour", 1];
  return numbers(lang, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: digits }).format(value);
}

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A Date from ISO text, a Date, or seconds (or milliseconds) since the epoch; null if it is none. */
function toDate(value) {
  if (missing(value)) return null;
  const date = value instanceof Date ? value
    : typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const pad = (n) => String(n).padStart(2, "0");

/** YYYY-MM-DD: a calendar day as the API names it, or the viewer's local day of a moment. */
export function day(value) {
  if (typeof value === "string" && CALENDAR_DAY.test(value)) return value;
  const date = toDate(value);
  if (!date) return missing(value) ? MISSING : String(value);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** YYYY-MM-DD HH:MM in the viewer's local time zone. */
export function moment(value) {
  const date = toDate(value);
  if (!date) return missing(value) ? MISSING : String(value);
  return `${day(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
