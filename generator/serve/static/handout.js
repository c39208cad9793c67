// The page works without this file; it adds ordering of the cards with the Up and Down
// buttons (keyboard too: they are buttons) and moves focus to the error summary.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const cards = document.getElementById("cards");
  const status = document.getElementById("order-status");
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  function renumber() {
    cards.querySelectorAll(".card").forEach((card, index) => {
      card.querySelector(".place").textContent = String(index + 1);
    });
  }

  if (cards) {
    cards.addEventListener("click", (event) => {
      const button = event.target.closest("button.move");
      if (!button) return;
      const card = button.closest(".card");
      const up = button.dataset.move === "up";
      const other = up ? card.previousElementSibling : card.nextElementSibling;
      if (!other) return;
      if (up) cards.insertBefore(card, other); else cards.insertBefore(other, card);
      renumber();
      button.focus();
      const position = Array.from(cards.children).indexOf(card) + 1;
      status.textContent = `${card.dataset.name} moved to place ${position} of ${cards.children.length}.`;
    });
    cards.addEventListener("change", (event) => {
      if (event.target.name === "exercise") {
        event.target.closest(".card").classList.toggle("ticked", event.target.checked);
      }
    });
  }
});
