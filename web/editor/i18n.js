/* Every string of the editor page, one dictionary per language. Static labels carry
 * data-i18n="key" (or data-i18n-placeholder); script-built text calls t(key, ...values). */
const STRINGS = {
  en: {
    title: "ShopAssist editor", other_lang: "한국어", sign_in: "Sign in", sign_out: "Sign out",
    token_label: "Editor token", token_help: "Create one with: shopassist editors add NAME",
    sign_in_failed: "Sign-in failed: {0}", network: "The gateway did not answer.",
    working: "Working… (checking the sources or building a preview can take half a minute)",
    tab_inbox: "Miss inbox", tab_articles: "Articles", tab_deploy: "Train & deploy", tab_report: "Report",
    tab_versions: "Versions",
    inbox_help: "Questions the bot could not answer, grouped by meaning. New ones appear within seconds.",
    language: "Language", lang_en: "English", lang_ko: "Korean", status: "Status", status_open: "Open",
    status_resolved: "Resolved", status_all: "All", refresh: "Refresh", no_clusters: "Nothing to review.",
    count: "{0} questions", seen: "First seen {0} · last seen {1}",
    suggest_intent: "Suggestion: intent {0} ({1})", suggest_article: "Suggestion: article “{0}” ({1})",
    no_suggestion: "No suggestion.", examples: "Examples to use", intent: "Intent", article: "Article",
    add_to_intent: "Add to intent", add_to_article: "Add as question variants", out_of_scope: "Out of scope",
    dismiss: "Dismiss", pick_examples: "Select at least one example.", pick_target: "Choose an intent or article first.",
    resolved: "Resolved ({0}). Changed files: {1}. Train and deploy to make it live.", nothing: "none",
    resolution: "Resolution: {0}",
    miss_kind: "Kind", miss_any: "Every kind", miss_kb_none: "No KB answer", miss_nlu_fallback: "Unsure intent",
    miss_misunderstood: "Misunderstood twice", miss_out_of_scope: "Out-of-scope reply",
    miss_not_helpful: "“No” to “Did this help?”", miss_rephrased: "Asked again in other words",
    miss_handoff_after_answer: "Asked for a person after an answer", times: "×{0}", more_examples: "and {0} more",
    hint_intent: "Hint (low confidence): intent {0} ({1})", hint_article: "Hint (the bot would not answer with it): article “{0}” ({1})",
    articles_help: "Load an article or start a new one, preview the effect on real questions, then save.",
    load: "Load", new_article: "New article", f_id: "ID", f_lang: "Language", f_category: "Category",
    f_title: "Title", f_questions: "Questions (one per line)", f_answer: "Answer", f_tags: "Tags (comma-separated)",
    preview: "Preview", save: "Save",
    preview_summary: "Replayed {0} recent questions; {1} would get a different answer.",
    col_question: "Question", col_lang: "Lang", col_now: "Now", col_after: "After the edit", no_answer: "no answer",
    saved: "Saved to {0}. Train and deploy to make it live.",
    deploy_help: "Training and testing never change what shoppers see; deploying does, without a restart.",
    train: "Train", test: "Test", deploy: "Deploy", summary: "Summary of the change", reason: "Reason (needed with force)",
    force: "Deploy even if the quality gate refuses", job: "{0} · {1}",
    state_running: "running", state_succeeded: "succeeded", state_failed: "failed",
    kind_train: "Training", kind_test: "Test", kind_deploy: "Deploy", deployed: "Version {0} is live.",
    report_help: "The latest test, or a deployed version's.", version: "Version", latest: "latest test",
    macro_f1: "Macro-F1: {0}", lang_f1: "{0}: macro-F1 {1}", per_intent: "F1 per intent", scores: "Scores per intent",
    trend: "Macro-F1 across versions", confusion: "Confusion matrix", misclassified: "Misclassified examples",
    col_intent: "Intent", col_precision: "Precision", col_recall: "Recall", col_f1: "F1", col_support: "Support",
    col_expected: "Expected", col_predicted: "Predicted", col_confidence: "Confidence",
    no_report: "No report yet: run a test.", no_versions: "No version deployed yet.",
    col_version: "Version", col_when: "When", col_who: "Who", col_summary: "Summary", live: "live",
    rollback: "Roll back", confirm_rollback: "Roll back to version {0}?", rolled_back: "Version {0} is live again.",
    installed: "The model and KB index this install started with", by_install: "install",
    report_pending_short: "report pending", no_trend: "No version has a report yet.",
    report_pending: "The NLU report of {0} is being prepared (tested in the background after install); refresh soon.",
    kb_index: "KB index {0}, on its dev set:", kb_lang: "{0}: top-1 {1}, answer precision {2}, coverage {3}.",
  },
  ko: {
    title: "ShopAssist 편집기", other_lang: "English", sign_in: "로그인", sign_out: "로그아웃",
    token_label: "편집자 토큰", token_help: "만들기: shopassist editors add 이름",
    sign_in_failed: "로그인 실패: {0}", network: "게이트웨이가 응답하지 않습니다.",
    working: "처리 중… (원본 검사나 미리 보기 준비에 30초쯤 걸릴 수 있어요)",
    tab_inbox: "미답변 질문함", tab_articles: "FAQ 문서", tab_deploy: "학습 · 배포", tab_report: "평가 보고서",
    tab_versions: "버전 기록",
    inbox_help: "봇이 답하지 못한 질문을 의미별로 묶었습니다. 새 질문은 몇 초 안에 나타납니다.",
    language: "언어", lang_en: "영어", lang_ko: "한국어", status: "상태", status_open: "미해결",
    status_resolved: "해결됨", status_all: "전체", refresh: "새로 고침", no_clusters: "검토할 질문이 없습니다.",
    count: "질문 {0}개", seen: "처음 {0} · 마지막 {1}",
    suggest_intent: "제안: 인텐트 {0} ({1})", suggest_article: "제안: 문서 “{0}” ({1})",
    no_suggestion: "제안 없음", examples: "사용할 예문", intent: "인텐트", article: "문서",
    add_to_intent: "인텐트에 추가", add_to_article: "문서에 질문으로 추가", out_of_scope: "범위 밖",
    dismiss: "무시", pick_examples: "예문을 하나 이상 선택하세요.", pick_target: "먼저 인텐트나 문서를 고르세요.",
    resolved: "해결했습니다 ({0}). 변경된 파일: {1}. 반영하려면 학습 후 배포하세요.", nothing: "없음",
    resolution: "처리: {0}",
    miss_kind: "유형", miss_any: "모든 유형", miss_kb_none: "도움말에 답 없음", miss_nlu_fallback: "의도 불확실",
    miss_misunderstood: "두 번 이해 못 함", miss_out_of_scope: "범위 밖 답변",
    miss_not_helpful: "“도움이 되었나요?”에 “아니요”", miss_rephrased: "같은 질문을 다시 함",
    miss_handoff_after_answer: "답변 직후 상담원 요청", times: "×{0}", more_examples: "외 {0}개",
    hint_intent: "참고 (신뢰도 낮음): 인텐트 {0} ({1})", hint_article: "참고 (봇이 이 문서로 답하지 않음): 문서 “{0}” ({1})",
    articles_help: "문서를 불러오거나 새로 만들고, 실제 질문에 미치는 영향을 미리 본 뒤 저장하세요.",
    load: "불러오기", new_article: "새 문서", f_id: "ID", f_lang: "언어", f_category: "분류",
    f_title: "제목", f_questions: "질문 (한 줄에 하나)", f_answer: "답변", f_tags: "태그 (쉼표로 구분)",
    preview: "미리 보기", save: "저장",
    preview_summary: "최근 질문 {0}개를 다시 돌려 보았습니다. {1}개의 답이 바뀝니다.",
    col_question: "질문", col_lang: "언어", col_now: "현재", col_after: "수정 후", no_answer: "답 없음",
    saved: "{0}에 저장했습니다. 반영하려면 학습 후 배포하세요.",
    deploy_help: "학습과 평가는 고객에게 보이는 것을 바꾸지 않습니다. 배포는 재시작 없이 바꿉니다.",
    train: "학습", test: "평가", deploy: "배포", summary: "변경 요약", reason: "사유 (강제 배포 시 필수)",
    force: "품질 기준에 못 미쳐도 배포", job: "{0} · {1}",
    state_running: "진행 중", state_succeeded: "성공", state_failed: "실패",
    kind_train: "학습", kind_test: "평가", kind_deploy: "배포", deployed: "버전 {0}이(가) 운영 중입니다.",
    report_help: "가장 최근 평가, 또는 배포된 버전의 평가입니다.", version: "버전", latest: "최근 평가",
    macro_f1: "Macro-F1: {0}", lang_f1: "{0}: macro-F1 {1}", per_intent: "인텐트별 F1", scores: "인텐트별 점수",
    trend: "버전별 Macro-F1", confusion: "혼동 행렬", misclassified: "잘못 분류된 예문",
    col_intent: "인텐트", col_precision: "정밀도", col_recall: "재현율", col_f1: "F1", col_support: "예문 수",
    col_expected: "정답", col_predicted: "예측", col_confidence: "신뢰도",
    no_report: "아직 보고서가 없습니다. 평가를 실행하세요.", no_versions: "아직 배포된 버전이 없습니다.",
    col_version: "버전", col_when: "시각", col_who: "작성자", col_summary: "요약", live: "운영 중",
    rollback: "되돌리기", confirm_rollback: "버전 {0}(으)로 되돌릴까요?", rolled_back: "버전 {0}이(가) 다시 운영 중입니다.",
    installed: "설치할 때 시작한 모델과 KB 색인", by_install: "설치",
    report_pending_short: "보고서 준비 중", no_trend: "아직 보고서가 있는 버전이 없습니다.",
    report_pending: "{0}의 NLU 보고서를 준비 중입니다 (설치 후 백그라운드 평가, 1~2분). 잠시 후 새로 고침하세요.",
    kb_index: "KB 색인 {0}, 개발 세트 기준:", kb_lang: "{0}: top-1 {1}, 답변 정밀도 {2}, 응답률 {3}.",
  },
};

const STORE = "shopassist:editor-lang";
let lang = localStorage.getItem(STORE) === "ko" ? "ko" : "en";
const listeners = [];

export function currentLang() { return lang; }

/** The string for `key` in the current language, with {0}, {1}, ... filled in. */
export function t(key, ...values) {
  const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\d)\}/g, (_, i) => String(values[Number(i)] ?? ""));
}

/** Translate every static label under `root`. */
export function applyStrings(root = document) {
  document.documentElement.lang = lang;
  document.title = t("title");
  root.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  });
}

/** Switch language, remember it, and let every section re-render its script-built text. */
export function setLang(next) {
  lang = next === "ko" ? "ko" : "en";
  localStorage.setItem(STORE, lang);
  applyStrings();
  listeners.forEach((render) => render());
}

export function onLangChange(render) { listeners.push(render); }
