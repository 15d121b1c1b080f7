// A second click on a form's submit button while the first submission is on its
// way sends nothing more. The server does not rely on this: a repeated submission
// (same idempotency key) still stores one letter, with or without JavaScript.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("interaction-form")) return;
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
});
