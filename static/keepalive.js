/* Typed work is never lost: loaded by every page (templates/base.html), deferred.

   A form "holds typed work" when it is sent with method="post", has at least one field that
   people fill in (not only hidden fields and buttons), has no password field, and is not marked
   data-no-keep. The roll call and the results grid are such forms, and need no mark of their own.

   1. On a page with such a form, while the person is active (typing, clicking, touching), the
      signed-in session is kept alive: at most every two minutes, activity asks GET /account/alive
      (204). Told 401, the session has ended: a notice says what will happen on saving.
   2. When such a form is sent, what it holds (but its token and any password or file) is kept in
      sessionStorage, for this tab only. If the next page is the sign-in page or an error page
      (marked data-keeps-typed-work), the form was not taken: the entries are held, and put back
      in the form when its page comes back (signing in again leads there), with a notice to
      check and save. Any other next page means the form was taken: the entries are dropped.
      Signing out (a form marked data-forgets-typed-work) drops them too.
*/
(() => {
  "use strict";

  const KEY = "tracker.typed-work";
  const KEPT_FOR = 12 * 3600 * 1000; // a sign-in session's longest life
  const PING_EVERY = 2 * 60 * 1000;
  const script = document.currentScript;
  const LEFT_OUT = new Set(["password", "file", "submit", "button", "reset", "image"]);

  const kept = (field) =>
    field.name && !field.disabled && field.name !== "csrf_token" && !LEFT_OUT.has(field.type);
  const filledIn = (field) => kept(field) && field.type !== "hidden";

  const holdsTypedWork = (form) =>
    (form.getAttribute("method") || "").toLowerCase() === "post" &&
    !form.hasAttribute("data-no-keep") &&
    !form.querySelector("input[type=password]") &&
    Array.from(form.elements).some(filledIn);

  const formsHoldingTypedWork = () => Array.from(document.forms).filter(holdsTypedWork);
  const actionOf = (form) => new URL(form.action, location.href).pathname;

  const read = () => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY));
    } catch (error) {
      return null;
    }
  };
  const write = (work) => {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(work));
    } catch (error) {
      // Storage full or refused: the form is sent all the same.
    }
  };
  const forget = () => {
    try {
      sessionStorage.removeItem(KEY);
    } catch (error) {
      // Nothing kept.
    }
  };

  const notice = (text, before) => {
    if (!text) return;
    const message = document.createElement("p");
    message.className = "flash warning";
    message.setAttribute("role", "status");
    message.textContent = text;
    const place = before || document.querySelector("main");
    if (before) place.parentNode.insertBefore(message, place);
    else place.insertBefore(message, place.firstChild);
  };

  const keep = (form) => {
    const fields = Array.from(form.elements).filter(kept);
    const entries = [];
    for (const field of fields) {
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) entries.push([field.name, field.value]);
      } else if (field.tagName === "SELECT" && field.multiple) {
        for (const option of field.selectedOptions) entries.push([field.name, option.value]);
      } else {
        entries.push([field.name, field.value]);
      }
    }
    const sameAction = formsHoldingTypedWork().filter((other) => actionOf(other) === actionOf(form));
    write({
      page: location.pathname,
      action: actionOf(form),
      index: sameAction.indexOf(form),
      names: Array.from(new Set(fields.map((field) => field.name))),
      entries,
      at: Date.now(),
      state: "sent",
    });
  };

  const putBack = (work) => {
    const candidates = formsHoldingTypedWork().filter((form) => actionOf(form) === work.action);
    const form = candidates[work.index] || candidates[0];
    if (!form) return;
    const values = new Map(work.names.map((name) => [name, []]));
    for (const [name, value] of work.entries) values.get(name)?.push(value);
    for (const field of Array.from(form.elements)) {
      if (!kept(field) || !values.has(field.name)) continue;
      const list = values.get(field.name);
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = list.includes(field.value);
      } else if (field.tagName === "SELECT" && field.multiple) {
        for (const option of field.options) option.selected = list.includes(option.value);
      } else {
        field.value = list.length ? list.shift() : "";
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    notice(script.dataset.restoredText, form);
  };

  // What became of the entries of a form sent from this tab.
  let work = read();
  if (work && !(Date.now() - work.at < KEPT_FOR)) {
    forget();
    work = null;
  }
  if (work) {
    if (document.querySelector("[data-keeps-typed-work]")) {
      if (work.state === "sent") write({ ...work, state: "held" });
    } else if (work.state === "held" && location.pathname === work.page) {
      forget();
      putBack(work);
    } else if (work.state === "sent") {
      forget();
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.hasAttribute("data-forgets-typed-work")) forget();
    else if (holdsTypedWork(form)) keep(form);
  });

  // Keep the session alive while someone works on a form.
  const alive = script.dataset.aliveUrl;
  if (alive && formsHoldingTypedWork().length) {
    let asked = Date.now();
    let ended = false;
    const active = () => {
      if (ended || Date.now() - asked < PING_EVERY) return;
      asked = Date.now();
      fetch(alive, { credentials: "same-origin", cache: "no-store" })
        .then((response) => {
          if (response.status === 401) {
            ended = true;
            notice(script.dataset.endedText);
          }
        })
        .catch(() => {
          // Offline for a moment: the next activity asks again.
        });
    };
    for (const name of ["input", "change", "keydown", "pointerdown"]) {
      document.addEventListener(name, active, { capture: true, passive: true });
    }
  }
})();
