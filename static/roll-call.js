// The roll call: minutes missed belong to a late arrival or an early departure only. When a line
// changes to another status, the minutes typed for it (hidden by the stylesheet) are cleared, so
// that saving does not refuse them.
document.addEventListener("change", (event) => {
  const radio = event.target;
  if (!radio.matches(".roll-call .segmented input[type=radio]")) return;
  if (radio.value === "late" || radio.value === "left_early") return;
  const minutes = radio.closest(".mark").querySelector(".minutes-field input");
  if (minutes) minutes.value = "";
});
