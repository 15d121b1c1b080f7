// Reads the check question aloud with the browser's own speech synthesis.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-speak]");
  if (!button || !("speechSynthesis" in window)) return;
  event.preventDefault();
  var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-speak"));
  utterance.lang = "zh-CN";
  utterance.rate = 0.8;
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(utterance);
});
document.querySelectorAll("[data-speak]").forEach(function (button) {
  if ("speechSynthesis" in window) button.hidden = false;
});
