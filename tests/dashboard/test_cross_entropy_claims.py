"""The cross-entropy view's claims, in scenarios drawn from its declared controls, against an oracle that
shares nothing with core: the losses −log r and (p − y)² and their logit derivatives p − y and
2 (p − y) p (1 − p) in closed form, checked in turn by a central finite difference through the sigmoid;
the softmax and −log p_t by hand; the spam model trained by a plain loop of full-batch gradient descent
written here. The spam data come from ``core.datasets`` (the input, not a claim). A failing example
prints its link."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, note, settings
from hypothesis import strategies as st

from core import datasets
from dashboard.formatting import pct
from dashboard.scenarios import cross_entropy as sc

from .property_tools import link, links, says

FILE = "cross_entropy.py"
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # 1 / (1 + e^−z), without overflow


def ce(y, z):
    p = sigmoid(z)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def se(y, z):
    return (sigmoid(z) - y) ** 2


def central(f, y, z, h=1e-5):
    """d f / d z by a central difference: truncation ~h² f''' ~ 1e-10, round-off ~1e-16 f / h ~ 1e-11."""
    return (f(y, z + h) - f(y, z - h)) / (2 * h)


def descend(x, y, loss, lr, steps, w0):
    """Full-batch gradient descent on the mean loss of p = σ(w x + b) from (w0, 0): the loss before and
    after each step, and the final training accuracy (z > 0 read as spam)."""
    w, b = w0, 0.0
    values = []
    for t in range(steps + 1):
        z = w * x + b
        p = sigmoid(z)
        # −[y log p + (1 − y) log(1 − p)] = log(1 + e^z) − y z: finite where p rounds to 0 or 1
        values.append(float(np.mean(np.logaddexp(0.0, z) - y * z)) if loss == "bce"
                      else float(np.mean((p - y) ** 2)))
        if t == steps:
            break
        g = (p - y) if loss == "bce" else 2 * (p - y) * p * (1 - p)
        w, b = w - lr * float(np.mean(g * x)), b - lr * float(np.mean(g))
    return values, float(np.mean(((w * x + b) > 0) == (y > 0.5)))


# z_…: the logit boxes: "From -10 to 10", typed to 4 decimals
ce_links = links(FILE, sc.DEFAULTS, ("p", "lr", "steps", "w0"),
                 label=st.sampled_from(sc.LABELS),
                 truth=st.sampled_from(sc.CLASSES),
                 **{f"z_{c}": st.floats(-10.0, 10.0).map(lambda v: round(v, 4)) for c in sc.CLASSES})


@settings(max_examples=30, deadline=None, derandomize=True)
@given(ce_links)
def test_the_cross_entropy_claims_hold_against_the_oracle(values):
    note(f"link: {link('cross_entropy', values, sc.DEFAULTS)}")
    p, y = float(values["p"]), float(values["label"])
    z = math.log(p / (1 - p))
    right = p if y == 1 else 1 - p
    ce_value, se_value = -math.log(right), (p - y) ** 2
    ce_push, se_push = p - y, 2 * (p - y) * p * (1 - p)
    # The closed forms against the finite difference first (the oracle checks itself), then the view.
    assert abs(ce(y, z) - ce_value) <= 1e-12 and abs(central(ce, y, z) - ce_push) <= 1e-7
    assert abs(central(se, y, z) - se_push) <= 1e-7
    res = sc.result_of(values)
    tol = 1e-12  # the same closed forms, evaluated in another order
    heads = {h.key: h for h in sc.headlines(res)}
    says(heads["ce"].text, ce_value, tol)
    says(heads["sq"].text, se_value, tol)
    says(heads["ce-grad"].text, abs(ce_push), tol)
    says(heads["sq-grad"].text, abs(se_push), tol)
    notes = sc.notes(res)
    says(notes[0], right, tol, "the true label a probability of **{}**")
    says(notes[0], ce_value, tol, "= **{}**, squared error")
    says(notes[0], se_value, tol, "² = **{}**")
    says(notes[1], ce_push, tol, "p − y = {};")
    says(notes[1], se_push, tol, "p (1 − p) = {},")
    # "n times weaker": |p − y| / |2 (p − y) p (1 − p)| = 1 / (2 p (1 − p)), at least 2: always weaker.
    ratio = abs(ce_push / se_push)
    assert ratio > 1
    says(notes[1], ratio, ratio * 1e-12, "{} times weaker")
    # "peaks at r = 1/3": the push 2 r (1 − r)² in the true label's probability r (for either label: with
    # y = 0, r = 1 − p and |2 (p − y) p (1 − p)| = 2 r (1 − r)² again), on a fine grid.
    r = np.linspace(1e-4, 1 - 1e-4, 200_001)
    assert abs(r[np.argmax(2 * r * (1 - r) ** 2)] - 1 / 3) < 1e-4
    assert abs(2 * right * (1 - right) ** 2 - abs(se_push)) <= 1e-15
    assert "the push is 2 r (1 − r)², which peaks at r = 1/3" in notes[1]

    # The softmax and the categorical cross-entropy.
    logits = np.array([float(values[f"z_{c}"]) for c in sc.CLASSES])
    e = np.exp(logits - logits.max())
    probs = e / e.sum()
    t = sc.CLASSES.index(values["truth"])
    for c, q in zip(sc.CLASSES, probs):
        says(notes[3], q, 1e-12, f"{c} {{}}")
    says(notes[3], -math.log(probs[t]), 1e-9, f"{values['truth']}: **{{}}**")
    says(heads["cce"].text, -math.log(probs[t]), 1e-9)

    # The spam model, trained here by hand from the same start.
    data = datasets.two_classes(n=60, base_rate=0.5, separation=3.0, n_features=1, seed=0)
    x, labels = data.X[:, 0], data.y
    steps = int(values["steps"])
    runs = {}
    for key, name in sc.LOSS_NAMES.items():
        losses, accuracy = descend(x, labels, key, float(values["lr"]), steps, float(values["w0"]))
        runs[name] = (losses[0], losses[-1], accuracy)
        # ≤ 1,000 steps of the same descent in another order: the two loops differ by round-off (~1e-12)
        assert abs(res.finals[name][1] - losses[-1]) <= 1e-9 * max(1.0, losses[0]), name
    assert heads["accuracy"].text == f"{pct(runs['cross-entropy'][2])} · {pct(runs['squared error'][2])}"
    text = notes[2]
    assert f"after {steps} steps" in text
    for name, (first, last, acc) in runs.items():
        part = text.split(f"trained on {name}, ")[1].split(";")[0]
        # "stays at" exactly where the two print alike (the view's loss format is the wording, not the claim)
        if sc.loss_text(first) == sc.loss_text(last):
            assert "stays at" in part, (name, part)
            says(part, last, 1e-9, "stays at {} (")
        elif last < first:
            says(part, first, 1e-9, "falls from {} to")
            says(part, last, 1e-9, " to {} (")
            assert f"({pct(last / first)} of the start)" in part, (name, part)
        else:
            says(part, first, 1e-9, "rises from {} to")
        assert f"accuracy {pct(acc)}" in part, (name, part)

    # the same, on the claims the notes are made of (dashboard.verdicts.Claim), one per bullet
    claims = sc.note_claims(res)
    assert [c.kind for c in claims] == ["xent.charges", "xent.push", "xent.training", "xent.softmax"]
    charges, push, training, softmax = (c.values for c in claims)
    assert abs(charges["right"] - right) <= tol and abs(charges["ce"] - ce_value) <= tol
    assert abs(charges["sq"] - se_value) <= tol
    assert abs(push["ce_grad"] - ce_push) <= tol and abs(push["sq_grad"] - se_push) <= tol
    assert training["steps"] == steps
    for key, name in (("ce", "cross-entropy"), ("sq", "squared error")):
        first, last, acc = runs[name]
        run = training[key]
        # the change a reader can see: none where start and end print alike, else the sign of last − first
        assert run["change"] == ("stays" if sc.loss_text(first) == sc.loss_text(last) else
                                 "falls" if last < first else "rises"), (name, run)
        assert abs(run["first"] - first) <= 1e-9 * max(1.0, first) and abs(run["last"] - last) <= 1e-9 * max(1.0, first)
        assert abs(run["accuracy"] - acc) <= 1e-12
    assert [c for c, _ in softmax["probs"]] == list(sc.CLASSES) and softmax["truth"] == values["truth"]
    np.testing.assert_allclose([q for _, q in softmax["probs"]], probs, rtol=0, atol=1e-12)
    assert abs(softmax["cce"] + math.log(probs[t])) <= 1e-9
