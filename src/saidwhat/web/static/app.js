// Progressive enhancement only: every page works without it.
// On a statement page the article text is a scrolling box: centre the highlighted quote in it
// (the page itself stays where it is).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector(".text.box");
  var hl = document.getElementById("hl");
  if (box && hl) {
    var top = hl.offsetParent === box ? hl.offsetTop : hl.offsetTop - box.offsetTop;
    box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }
});
