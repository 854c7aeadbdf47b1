"""fit()'s training on the tape (`autograd_lite.tape`): the loss traced once per batch size and
replayed, the parameters kept in one buffer that the optimizer steps in place.

Where the tape cannot replay a step exactly (a guard on the data answers differently, an op
refuses its inputs) that step runs on the engine; where it cannot replay the loss at all
(`Unsupported`) fit trains on the engine from the start and says why in one line.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite.modes import state
from autograd_lite.tape import Tape, TapeMismatch, Unsupported, trace

from . import losses, module, optim

#: How often a replay is checked against the engine when the model's forward or the loss is code of
#: your own (which might branch on `.data` where the tape cannot see it): every this many steps.
USER_CODE_CHECK = 25


class CompileWarning(UserWarning):
    """fit(compile=True) could not use the tape for this model and loss, and trains on the engine."""


def _outside_level() -> int:
    """The stacklevel of the first caller outside nn and autograd_lite (the user's fit line)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        ("nn.", "autograd_lite")
    ):
        frame, level = frame.f_back, level + 1
    return level


def _own_code(model, loss) -> bool:
    """Whether the model's forward or the loss is written by the user rather than by nn."""
    mine = (module.MLP, module.Layer, module.Neuron, module.Sequential, module.Activation)
    nn_loss = loss is None or isinstance(loss, str | losses.Criterion)
    return type(model) not in (*mine, module.Linear) and not isinstance(model, mine) or not nn_loss


class Compiled:
    """Tapes of `objective(X, t)` by batch size, sharing one parameter buffer and one flat optimizer."""

    def __init__(
        self,
        model,
        task,
        l2: float,
        opt: optim.Optimizer,
        check_every: int | None,
        loss_arg: Any,
        watched: bool,
        eager: bool,
    ):
        self.model, self.task, self.l2, self.opt = model, task, l2, opt
        #: whether the user's callbacks may read or set weights and grads between epochs: then both
        #: go to the Values after each epoch and come back before the next
        self.watched = watched
        #: whether something reads the model between epochs (early stopping, the recorder): then the
        #: weights go to the Values after each epoch; else only when training ends
        self.eager = eager or watched
        self.primed: tuple | None = None  # (tape, X, t) of the last forward, at the weights as they are
        self.user = _own_code(model, loss_arg)
        self.verified = not self.user  # nn's own models and losses tell the tape what they read
        if check_every is None:
            check_every = USER_CODE_CHECK if self.user else None  # nn's own: checked by its tests
        self.check_every = check_every
        self.tapes: dict[int, Tape | None] = {}
        self.main: Tape | None = None
        self.session = None
        self.off: str | None = None  # why the tape is not used at all
        self.ahead = False  # whether the buffer holds weights the Values do not have yet
        self.replayed = self.on_engine = 0  # steps taken by a replay, and by the engine for the tape
        self.check_first = False
        self.stepped: set = set()  # the tapes a training step has replayed (the weights moved since)

    def objective(self, X, t):
        """The loss fit trains on, and what the evaluation reads beside it: (loss, outputs)."""
        out = self.model(X)
        loss = self.task.fn(out, t)
        total = loss + self.l2 * losses.l2_penalty(self.opt.params) if self.l2 else loss
        return total, (loss, out)

    def tape(self, X: np.ndarray, t) -> Tape | None:
        n = len(X)
        if n in self.tapes:
            return self.tapes[n]
        tape: Tape | None
        self.sync()  # a trace runs the model on its Values: they get the buffer's weights first
        try:
            tape = trace(
                self.objective,
                self.opt.params,
                (X, t),
                check_every=self.check_every,
                share=self.main,
                signature=self.user,  # compared with a second trace's (verify)
            )
        except Unsupported as e:
            if self.main is None:
                self.give_up(str(e))
            tape = None
        except MemoryError:  # too big a batch to trace (the evaluation's whole set): the engine does it
            tape = None
        if tape is not None and self.main is None:
            self.main = tape
            flat = getattr(self.opt, "flat", None)
            self.session = flat(tape.params, tape.data, tape.grad) if flat is not None else None
        self.tapes[n] = tape
        return tape

    def give_up(self, why: str) -> None:
        """Train on the engine from here on, saying why in one line."""
        warnings.warn(
            f"fit: the tape cannot replay this model and loss ({why}); training on the engine "
            "(pass compile=False to choose that and skip this note)",
            CompileWarning,
            stacklevel=_outside_level(),
        )
        self.close()
        self.off = why

    def verify(self, tape: Tape, X: np.ndarray, t) -> bool:
        """For a forward or loss of the user's own: trace again, on this step's data and weights, and
        keep the tape only if the graph is the same as `tape`'s (so it does not depend on them)."""
        self.verified = True
        self.sync()  # traced on the weights as they are now, not as the Values last heard of them
        again = trace(self.objective, self.opt.params, (X, t), share=self.main, signature=True)
        if again.signature != tape.signature:
            self.give_up(
                "the graph of your loss or forward changes with the data or the weights, "
                "e.g. a branch on .data or a number read from the targets"
            )
            return False
        return True

    def begin_epoch(self) -> None:
        # your callbacks may have changed what your own forward or loss reads (an attribute, say):
        # the epoch's first replay is checked against the engine, before anything trains on it
        self.check_first = self.user and self.watched
        if self.main is not None and self.watched and self.off is None:
            before = self.main.data.copy()
            self.main.pull()  # a callback may have set weights between epochs
            if not np.array_equal(before, self.main.data):
                self.primed = None

    def end_epoch(self) -> None:
        if self.main is not None and self.ahead and self.eager:
            self.main.push(grads=self.watched)  # everything else (plots, save, callbacks) reads the Values
            self.ahead = False

    def weights(self) -> np.ndarray:
        """The optimizer's parameters' numbers now, in its order: the buffer's where the tape holds them."""
        params = self.opt.params
        if self.main is None or not self.ahead:
            return np.array([p.data for p in params])
        slot = self._slot_index()
        out = self.main.data[np.maximum(slot, 0)]
        for i in np.flatnonzero(slot < 0).tolist():  # parameters outside the loss's graph
            out[i] = params[i].data
        return out

    def _slot_index(self) -> np.ndarray:
        """Each of the optimizer's parameters' place in the buffer (-1: outside the loss's graph)."""
        slot = getattr(self, "_slots", None)
        if slot is None:
            assert self.main is not None
            where = self.main._slot
            slot = self._slots = np.array([where.get(p, -1) for p in self.opt.params], dtype=np.intp)
        return slot

    def grads(self) -> np.ndarray | None:
        """The last step's gradients in the optimizer's order, from the buffer while the tape holds
        them (None when the engine took the steps: the Values have them)."""
        if self.main is None or self.off is not None:
            return None
        slot = self._slot_index()
        out = self.main.grad[np.maximum(slot, 0)]
        out[slot < 0] = np.nan
        return out

    def sync(self) -> None:
        """The Values get the buffer's weights now (something is about to read them)."""
        if self.main is not None and self.ahead:
            self.main.push()
            self.ahead = False

    def reload(self) -> None:
        """The Values were set (a restore): the buffer takes them, and nothing is ahead any more."""
        if self.main is not None:
            self.main.pull()
        self.ahead = False
        self.primed = None

    def step(self, X: np.ndarray, t) -> bool:
        """One training step on the tape; False when the engine should take it (no tape at all)."""
        if self.off is not None:
            return False
        tape = self.tape(X, t)
        main = self.main
        if main is None or self.off is not None:
            return False
        if not self.verified and tape is not None and tape in self.stepped:  # trained since it was traced
            try:
                if not self.verify(tape, X, t):
                    return False
            except Unsupported as e:
                self.give_up(str(e))
                return False
        if self.check_first and tape is not None:
            tape.force_check = True
            self.check_first = False
        primed, self.primed = self.primed, None
        reuse = primed is not None and primed[0] is tape and primed[1] is X and primed[2] is t
        try:
            loss = tape.replay((X, t), forward=not reuse) if tape is not None else None
        except TapeMismatch as e:
            if not self.user:
                raise  # nn's own code and the tape disagree: a bug to report, never to hide
            self.give_up(f"a replay differed from the engine: {e}")
            return False
        if loss is None:  # this batch on the engine: its gradients into the buffer
            self.sync()
            main.engine((X, t))
            self.on_engine += 1
        else:
            self.replayed += 1
        self.ahead = True
        if tape is not None:
            self.stepped.add(tape)
        if self.session is not None:
            self.session.step()
        else:  # an optimizer without a flat step: through the Values
            main.push()
            for p, g in zip(main.params, main.grad.tolist()):
                p.grad = g
            try:
                self.opt.step()
            finally:
                main.pull()
        return True

    def evaluate(self, X: np.ndarray, t, metric_fns: dict[str, Callable]):
        """(loss, metrics) of the current weights on (X, t) from a forward replay; None: use the engine."""
        if self.off is not None or self.main is None:
            return None
        tape = self.tape(X, t)
        if not self.verified and tape is not None and tape in self.stepped and not self.verify(tape, X, t):
            return None  # your own code's graph moved with the weights: the engine evaluates
        try:
            replayed = tape is not None and tape.replay((X, t), backward=False) is not None
        except TapeMismatch as e:
            if not self.user:
                raise  # nn's own code and the tape disagree: a bug to report, never to hide
            self.give_up(f"a replay differed from the engine: {e}")
            replayed = False
        if not replayed or tape is None:
            self.sync()  # the engine evaluates: it reads the Values
            return None
        self.primed = (tape, X, t)  # the next step on this batch needs only the backward pass
        loss, out = tape.watched()
        data = out if isinstance(out, np.ndarray) else np.stack(out, axis=1) if isinstance(out, list) else out
        return float(loss), {name: f(data, t) for name, f in metric_fns.items()}

    def close(self) -> None:
        if self.main is not None and self.off is None:
            # the last step's gradients, and the weights if an epoch was cut short (an error, Ctrl-C);
            # after a full epoch the Values already have them, and a callback may have set others since
            self.main.push(data=self.ahead, grads=True)
        self.ahead = False
        if self.session is not None:
            self.session.close()
            self.session = None


def compiled(
    compile,
    model,
    task,
    l2: float,
    opt: optim.Optimizer,
    check_every,
    loss_arg,
    watched: bool = True,
    eager: bool = True,
) -> Compiled | None:
    """fit's Compiled for `compile` (True / False), or None to train on the engine."""
    if not isinstance(compile, bool):
        raise TypeError(
            f"compile must be True (the tape, the default) or False (the engine), got {compile!r}"
        )
    if check_every is not None and (
        isinstance(check_every, bool) or not isinstance(check_every, int) or check_every < 1
    ):
        raise ValueError(f"check_every must be a whole number of steps >= 1 (or None), got {check_every!r}")
    if not compile or state.anomaly:  # detect_anomaly() checks each op of the engine: no tape
        return None
    return Compiled(model, task, l2, opt, check_every, loss_arg, watched, eager)
