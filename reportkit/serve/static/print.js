// The slips page's print button (served from /static/: the Content-Security-Policy allows no inline script).
(function () {
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
