// Copy buttons for the credit lines: shown only when this script runs (no inline script; CSP).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var target = document.getElementById(button.getAttribute("data-copy"));
  if (!target) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    target.select();
    var done = function () { button.classList.add("copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(target.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
});
