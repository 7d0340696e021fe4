/* E-forms: hide the fields whose `show_if` does not hold, as the citizen answers.
 *
 * Progressive enhancement only. Without this script every field is shown with a hint saying
 * when it applies, and the server ignores the answers of fields that do not apply. Each
 * conditional block carries data-eform-show-if='{"name": …, "values": […], "boolean": …}':
 * the input it depends on and the values that show it. Blocks come after the inputs they depend
 * on, so one pass in document order also hides what depends on a hidden field.
 */
(function () {
  "use strict";

  function valuesOf(scope, rule) {
    var inputs = scope.querySelectorAll('[name="' + CSS.escape(rule.name) + '"]');
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "checkbox") {
        if (rule.boolean) {
          values.push(input.checked ? "true" : "false");
        } else if (input.checked) {
          values.push(input.value);
        }
      } else if (input.type === "radio") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.type !== "hidden") {
        values.push(input.value.trim());
      }
    });
    if (rule.boolean && values.length === 0) {
      values.push("false");
    }
    return values;
  }

  function update(scope) {
    var hidden = {};
    var blocks = scope.querySelectorAll("[data-eform-show-if]");
    Array.prototype.forEach.call(blocks, function (block) {
      var rule;
      try {
        rule = JSON.parse(block.getAttribute("data-eform-show-if"));
      } catch (error) {
        return;
      }
      var current = valuesOf(scope, rule);
      var show = !hidden[rule.name] && current.some(function (value) {
        return rule.values.indexOf(value) !== -1;
      });
      block.hidden = !show;
      block.style.display = show ? "" : "none";
      if (!show) {
        Array.prototype.forEach.call(block.querySelectorAll("[name]"), function (input) {
          hidden[input.name] = true;
        });
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-eform]"), function (box) {
      var scope = box.closest("form") || box;
      update(scope);
      scope.addEventListener("change", function () { update(scope); });
      scope.addEventListener("input", function () { update(scope); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
