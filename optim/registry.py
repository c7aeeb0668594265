"""``OPTIMIZERS``: every named optimizer with what a UI needs to offer it.

Each spec carries two sets of defaults by name: ``defaults()``, chosen for 2-D surfaces on
domains of about [−3, 3]² (the article's values where it gives one: gradient descent α = 0.01,
momentum β = 0.9), and ``library_defaults()``, the factories' own (torch's), for networks.
Any values inside the ranges build without error and run without warnings.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace

from optim import alias
from optim.base import GradientTransformation, check, check_count, check_flag


@dataclass(frozen=True)
class Hyperparameter:
    name: str  # flat key (UI, URL): the factory keyword, with betas split into beta1/beta2
    label: str  # display label, e.g. "β₁"
    default: float | bool
    low: float | None  # None for flags
    high: float | None
    scale: str  # "log" | "linear" | "int" (a whole number) | "bool"
    help: str

    def check(self, value):
        """``value`` if it is allowed here, else ValueError naming this hyperparameter."""
        if self.scale == "bool":
            return check_flag(value, self.name)
        if self.scale == "int":
            whole = check_count(value, self.name, int(self.low))
            if whole > self.high:
                raise ValueError(f"{self.name} must be at most {self.high:g}, got {value!r}")
            return whole
        return check(value, self.name, self.low, self.high, allow_schedule=self.name == "lr")


@dataclass(frozen=True)
class OptimizerSpec:
    name: str
    label: str
    factory: Callable[..., GradientTransformation]
    hyperparameters: tuple[Hyperparameter, ...]
    description: str
    latex: str
    reference: str
    needs_layout: bool = False  # its factory takes a network's ``layout`` (not for surfaces)

    def defaults(self) -> dict[str, float | bool]:
        """The defaults for 2-D surfaces, by flat name."""
        return {h.name: h.default for h in self.hyperparameters}

    def library_defaults(self) -> dict[str, float | bool]:
        """The factory's keyword defaults (torch.optim's) by flat name; a hyperparameter
        whose library default lies outside its range here keeps the 2-D default."""
        flat = {}
        for parameter in inspect.signature(self.factory).parameters.values():
            if parameter.name == "betas":
                flat["beta1"], flat["beta2"] = parameter.default
            elif parameter.default is not inspect.Parameter.empty:
                flat[parameter.name] = parameter.default
        return {
            h.name: flat[h.name]
            if h.name in flat and (h.scale == "bool" or h.low <= flat[h.name] <= h.high)
            else h.default
            for h in self.hyperparameters
        }

    def hyperparameters_for(self, library: bool) -> tuple[Hyperparameter, ...]:
        """The hyperparameters with the library's defaults (``library``) or the 2-D ones."""
        if not library:
            return self.hyperparameters
        defaults = self.library_defaults()
        return tuple(replace(h, default=defaults[h.name]) for h in self.hyperparameters)

    def build(self, layout=None, **values) -> GradientTransformation:
        """The optimizer for flat ``values`` (missing ones take their default); ValueError for
        an unknown name or a value outside its range. ``lr`` may also be a schedule.
        ``layout``, a network's ``optim.Layout``, reaches the factories that take one (those
        with ``needs_layout``, such as Muon + AdamW); the others have no use for it."""
        known = {h.name: h for h in self.hyperparameters}
        for name in values:
            if name not in known:
                raise ValueError(f"{self.name} has no hyperparameter {name!r}")
        kwargs = {name: known[name].check(v) for name, v in (self.defaults() | values).items()}
        if "beta1" in kwargs:
            kwargs["betas"] = (kwargs.pop("beta1"), kwargs.pop("beta2"))
        if self.needs_layout:
            kwargs["layout"] = layout
        return self.factory(**kwargs)


def _number(name, label, default, low, high, scale, help):
    return Hyperparameter(name, label, default, low, high, scale, help)


def _flag(name, label, help, default=False):
    return Hyperparameter(name, label, default, None, None, "bool", help)


def _lr(default, low=1e-4, high=1.0):
    return _number("lr", "α (learning rate)", default, low, high, "log", "Step size.")


def _beta1(default=0.9):
    help = "Decay of the running mean of gradients (momentum)."
    return _number("beta1", "β₁", default, 0.0, 0.999, "linear", help)


def _beta2(default=0.999):
    help = "Decay of the running mean of squared gradients."
    return _number("beta2", "β₂", default, 0.0, 0.9999, "linear", help)


def _eps(default=1e-8):
    help = "Added to the denominator so a zero gradient does not divide by zero."
    return _number("eps", "ε", default, 1e-10, 1.0, "log", help)


def _momentum(default=0.9, low=0.0):
    help = "Fraction of the previous velocity kept at each step."
    return _number("momentum", "μ (momentum)", default, low, 0.99, "linear", help)


def _dampening(what: str):
    help = f"Fraction of each new {what} left out of the velocity."
    return _number("dampening", "τ (dampening)", 0.0, 0.0, 0.99, "linear", help)


def _weight_decay(default=0.0, decoupled=False):
    kind = (
        "Shrinks θ towards 0 directly, outside the adaptive scaling."
        if decoupled
        else ("Adds λθ to the gradient (L2 regularisation).")
    )
    return _number("weight_decay", "λ (weight decay)", default, 0.0, 1.0, "linear", kind)


_AMSGRAD = _flag("amsgrad", "AMSGrad", "Use the running maximum of the second moment.")
_G = r"g_t &= \nabla J(\theta_{t-1})"
_ADAM_MOMENTS = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,g_t \\ v_t &= \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2 \\ "
)
_TORCH = "https://pytorch.org/docs/stable/generated/torch.optim.{}.html"


def _aligned(*lines: str) -> str:
    return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"


ADAN_DESCRIPTION = (
    "Adam-like steps along a Nesterov look-ahead guessed from how the gradient changed since"
    " the last step; its long average of g (β₁ = 0.98, some 50 steps) carries paths past a"
    " minimum a few times, so they spiral in, more slowly than Adam's."
)
LAMB_DESCRIPTION = (
    "Adam's direction with its length set to α·‖θ‖ (θ measured from the origin, capped at c),"
    " ten times that at first (α is divided by 1 − β₁ᵗ): the slope's size does not matter, so"
    " a point ends rattling around a minimum at about α·‖θ*‖ and crawls near the origin."
)
LARS_DESCRIPTION = (
    "Gradient directions with steps α·η·‖θ‖ long whatever the slope, summed by momentum: a"
    " point heads for the minimum at a pace set by its distance from the origin, then jitters"
    " around it at that scale; near the origin steps shrink."
)


MUON_DESCRIPTION = (
    "On a surface the parameter is one 2-vector, which Muon treats as a 1×2 matrix: its"
    " orthogonalization is just its direction m/‖m‖, times what five Newton–Schulz steps make of"
    " a unit vector (≈ 0.7). So Muon here is normalized Nesterov momentum: every step is"
    " ≈ 0.7·α long whatever the slope, and a point ends rattling about α around the minimum."
)
MUON_ADAMW_DESCRIPTION = (
    "Muon on the network's hidden weight matrices, each orthogonalized as a matrix, and AdamW"
    " on the biases, the first and the output layer: Muon as it is meant to be used. Training"
    " lab only: a surface's point is one vector, with no hidden weight matrix."
)
_NS_STEPS = ("ns_steps", "Newton–Schulz steps", 5, 1, 10, "int", "Iterations of the quintic.")
_MUON_MOMENTUM = r"m_t &= \mu\, m_{t-1} + (1-\mu)\, g_t, \quad u_t = (1-\mu)\, g_t + \mu\, m_t"
_NEWTON_SCHULZ = (
    r"O_t &= X_5, \quad X_0 = \frac{u_t}{\|u_t\|_F + 10^{-7}}, \quad"
    r" X_{k+1} = 3.4445\,X_k - 4.775\,(X_k X_k^T) X_k + 2.0315\,(X_k X_k^T)^2 X_k"
)


def _spec(name, label, factory, hyperparameters, description, latex, reference):
    return name, OptimizerSpec(
        name, label, factory, tuple(hyperparameters), description, latex, reference
    )


_SAM_RHO = _number(
    "rho",
    "ρ (radius)",
    0.3,
    0.0,
    2.0,
    "linear",
    "How far SAM climbs along the gradient to the probe point where it takes the gradient.",
)
_SAM_ADAPTIVE = _flag(
    "adaptive", "Adaptive (ASAM)", "Scale the climb per coordinate by |θ|² (Kwon et al. 2021)."
)
_SAM_RULE = (
    _G + r", \quad \varepsilon_t = \rho\,\frac{g_t}{\|g_t\|}",
    r"\hat g_t &= \nabla J(\theta_{t-1} + \varepsilon_t) \quad \text{(at the probe)}",
)
SAM_DESCRIPTION = (
    "Steps with the gradient taken ρ uphill of the point (the probe), so a minimum is only"
    " settled in if it stays low ρ away: narrow basins push the point out, wide ones keep it;"
    " near a saddle the probe can balance the pull and the point hovers."
)
SAM_REFERENCE = (
    "Foret et al. (2021), Sharpness-Aware Minimization; matches the authors' PyTorch port"
    " davda54/sam (commit 3c3afdb)"
)

OPTIMIZERS: dict[str, OptimizerSpec] = dict(
    [
        _spec(
            "gd",
            "Gradient descent",
            alias.gd,
            [_lr(0.01)],
            "Step straight downhill, in proportion to the slope.",
            _aligned(_G, r"\theta_t &= \theta_{t-1} - \alpha\, g_t"),
            "Cauchy (1847); the article's gradient descent",
        ),
        _spec(
            "sgd",
            "SGD (PyTorch)",
            alias.sgd,
            [
                _lr(0.002),
                _momentum(0.9),
                _dampening("gradient"),
                _weight_decay(),
            ],
            "PyTorch's SGD: a velocity that adds up gradients, starting from the first one.",
            _aligned(
                r"g &= \nabla J(\theta_{t-1}) + \lambda\theta_{t-1}",
                r"b_t &= \mu\, b_{t-1} + (1-\tau)\, g, \quad b_1 = g",
                r"\theta_t &= \theta_{t-1} - \alpha\, b_t",
            ),
            _TORCH.format("SGD"),
        ),
        _spec(
            "momentum",
            "Momentum",
            alias.momentum,
            [
                _lr(0.01),
                _number(
                    "beta",
                    "β (momentum)",
                    0.9,
                    0.0,
                    0.99,
                    "linear",
                    "Decay of the exponentially weighted average of gradients.",
                ),
                _flag(
                    "bias_correction",
                    "Bias correction",
                    "Divide the average by 1 − βᵗ so early steps are not too small.",
                ),
            ],
            "Step along an exponentially weighted average of past gradients (the article's form).",
            _aligned(
                _G,
                r"v_t &= \beta\, v_{t-1} + (1-\beta)\, g_t, \quad v_0 = 0",
                r"\theta_t &= \theta_{t-1} - \alpha\, v_t"
                r" \quad \left(\text{or } \alpha\,\tfrac{v_t}{1-\beta^t}\right)",
            ),
            "Polyak (1964); the article's exponentially-weighted-average form",
        ),
        _spec(
            "nesterov",
            "Nesterov momentum",
            alias.nesterov,
            [_lr(0.002), _momentum(0.9, low=0.01)],
            "Momentum that corrects its course with a look-ahead gradient.",
            _aligned(
                _G,
                r"v_t &= \mu\, v_{t-1} + g_t, \quad v_1 = g_1",
                r"\theta_t &= \theta_{t-1} - \alpha\,(g_t + \mu\, v_t)",
            ),
            "Nesterov (1983); Sutskever et al. (2013); " + _TORCH.format("SGD"),
        ),
        _spec(
            "rmsprop",
            "RMSProp",
            alias.rmsprop,
            [
                _lr(0.01),
                _number(
                    "alpha",
                    "β (alpha: decay of g²)",
                    0.9,
                    0.0,
                    0.999,
                    "linear",
                    "Decay of the running mean of squared gradients.",
                ),
                _eps(),
                _momentum(0.0),
                _flag("centered", "Centered", "Divide by the running variance instead."),
                _weight_decay(),
            ],
            "Divide each coordinate's step by the root of its recent squared gradients.",
            _aligned(
                _G,
                r"s_t &= \beta\, s_{t-1} + (1-\beta)\, g_t^2",
                r"\theta_t &= \theta_{t-1} - \alpha\, \frac{g_t}{\sqrt{s_t} + \varepsilon}",
            ),
            "Hinton, Coursera lecture 6e (2012); " + _TORCH.format("RMSprop"),
        ),
        _spec(
            "adagrad",
            "Adagrad",
            alias.adagrad,
            [
                _lr(0.5, high=5.0),
                _number(
                    "lr_decay",
                    "η (lr decay)",
                    0.0,
                    0.0,
                    1.0,
                    "linear",
                    "Learning rate divided by 1 + (t−1)η.",
                ),
                _number(
                    "initial_accumulator_value",
                    "S₀",
                    0.0,
                    0.0,
                    1.0,
                    "linear",
                    "Starting value of the sum of squared gradients.",
                ),
                _eps(1e-10),
                _weight_decay(),
            ],
            "Divide each coordinate's step by the root of all its squared gradients so far.",
            _aligned(
                _G,
                r"S_t &= S_{t-1} + g_t^2",
                r"\theta_t &= \theta_{t-1} - \frac{\alpha}{1+(t-1)\eta}\,"
                r"\frac{g_t}{\sqrt{S_t} + \varepsilon}",
            ),
            "Duchi, Hazan & Singer (2011); " + _TORCH.format("Adagrad"),
        ),
        _spec(
            "adadelta",
            "Adadelta",
            alias.adadelta,
            [
                _lr(1.0, high=10.0),
                _number(
                    "rho",
                    "ρ",
                    0.95,
                    0.0,
                    0.999,
                    "linear",
                    "Decay of the running means of g² and of the steps².",
                ),
                _eps(1e-3),
                _weight_decay(),
            ],
            "Scale steps by the ratio of recent step sizes to recent gradient sizes.",
            _aligned(
                _G,
                r"v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2",
                r"\Delta_t &= \frac{\sqrt{u_{t-1}+\varepsilon}}{\sqrt{v_t+\varepsilon}}\, g_t",
                r"u_t &= \rho\, u_{t-1} + (1-\rho)\,\Delta_t^2",
                r"\theta_t &= \theta_{t-1} - \alpha\,\Delta_t",
            ),
            "Zeiler (2012); " + _TORCH.format("Adadelta"),
        ),
        _spec(
            "adam",
            "Adam",
            alias.adam,
            [_lr(0.05), _beta1(), _beta2(), _eps(), _AMSGRAD, _weight_decay()],
            "Momentum and RMSProp together, with bias-corrected averages.",
            _aligned(
                _G + r", \quad m_0 = v_0 = 0",
                _ADAM_MOMENTS + r"\theta_t &= \theta_{t-1} - \alpha\,"
                r"\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}",
            ),
            "Kingma & Ba (2015); " + _TORCH.format("Adam"),
        ),
        _spec(
            "adamw",
            "AdamW",
            alias.adamw,
            [_lr(0.05), _beta1(), _beta2(), _eps(), _AMSGRAD, _weight_decay(0.01, True)],
            "Adam with weight decay applied to θ directly instead of through the gradient.",
            _aligned(
                _G,
                _ADAM_MOMENTS + r"\theta_t &= \theta_{t-1}(1-\alpha\lambda) - \alpha\,"
                r"\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}",
            ),
            "Loshchilov & Hutter (2019); " + _TORCH.format("AdamW"),
        ),
        _spec(
            "adamax",
            "Adamax",
            alias.adamax,
            [_lr(0.05), _beta1(), _beta2(), _eps(), _weight_decay()],
            "Adam with the root mean square replaced by a decaying maximum of |g|.",
            _aligned(
                _G,
                r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,g_t",
                r"u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \varepsilon)",
                r"\theta_t &= \theta_{t-1} - \frac{\alpha}{1-\beta_1^t}\,\frac{m_t}{u_t}",
            ),
            "Kingma & Ba (2015), section 7; " + _TORCH.format("Adamax"),
        ),
        _spec(
            "nadam",
            "NAdam",
            alias.nadam,
            [
                _lr(0.05),
                _beta1(),
                _beta2(),
                _eps(),
                _number(
                    "momentum_decay",
                    "ψ (momentum decay)",
                    4e-3,
                    1e-4,
                    0.1,
                    "log",
                    "How fast the momentum coefficient μₜ warms up to β₁.",
                ),
                _weight_decay(),
            ],
            "Adam with a Nesterov look-ahead on the momentum term.",
            _aligned(
                _G + r", \quad \mu_t = \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right)",
                _ADAM_MOMENTS + r"\theta_t &= \theta_{t-1} - \alpha\,\frac{"
                r"\frac{\mu_{t+1} m_t}{1-\prod_{i=1}^{t+1}\mu_i}"
                r" + \frac{(1-\mu_t) g_t}{1-\prod_{i=1}^{t}\mu_i}}"
                r"{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}",
            ),
            "Dozat (2016); " + _TORCH.format("NAdam"),
        ),
        _spec(
            "radam",
            "RAdam",
            alias.radam,
            [_lr(0.05), _beta1(), _beta2(), _eps(), _weight_decay()],
            "Adam that holds back the adaptive step until its variance estimate is reliable.",
            _aligned(
                _G + r", \quad \hat m_t = m_t/(1-\beta_1^t)",
                _ADAM_MOMENTS + r"\rho_\infty &= \tfrac{2}{1-\beta_2} - 1, \quad"
                r" \rho_t = \rho_\infty - \tfrac{2t\beta_2^t}{1-\beta_2^t}",
                r"\theta_t &= \theta_{t-1} - \begin{cases} \alpha\,\hat m_t\, r_t\,"
                r"\frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \varepsilon} & \rho_t > 5 \\"
                r" \alpha\,\hat m_t & \text{otherwise} \end{cases}",
                r"r_t &= \sqrt{\tfrac{(\rho_t-4)(\rho_t-2)\rho_\infty}"
                r"{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}",
            ),
            "Liu et al. (2020); " + _TORCH.format("RAdam"),
        ),
        _spec(
            "lion",
            "Lion",
            alias.lion,
            [_lr(0.02), _beta1(), _beta2(0.99), _weight_decay(0.0, True)],
            "Step by the sign of an interpolated momentum: every coordinate moves ±α.",
            _aligned(
                _G,
                r"c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t",
                r"\theta_t &= \theta_{t-1} - \alpha\,(\operatorname{sign}(c_t)"
                r" + \lambda\theta_{t-1})",
                r"m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t",
            ),
            "Chen et al. (2023), Symbolic Discovery of Optimization Algorithms, Algorithm 2",
        ),
        _spec(
            "adopt",
            "ADOPT",
            alias.adopt,
            [
                _lr(0.1),
                _beta1(),
                _beta2(0.9999),
                _eps(1e-6),
                _flag("clip", "Clip ±t^¼", "Clamp the normalized gradient to ±t^¼.", True),
                _weight_decay(),
                _flag("decouple", "Decoupled decay", "Shrink θ directly (as AdamW) instead."),
            ],
            "Momentum of gradients each divided by the RMS of the earlier ones: the first step"
            " only measures g² and stays put; with β₂ near 1 that scale barely moves, so steps"
            " shrink as the slope flattens.",
            _aligned(
                r"g_t &= \nabla J(\theta_{t-1}), \quad v_1 = g_1^2, \quad m_1 = 0",
                r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,\operatorname{clip}\left("
                r"\frac{g_t}{\max(\sqrt{v_{t-1}}, \varepsilon)}, t^{1/4}\right)",
                r"\theta_t &= \theta_{t-1} - \alpha\, m_t \quad (t > 1)",
                r"v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2",
            ),
            "Taniguchi et al. (2024), ADOPT; matches pytorch-optimizer's ADOPT (4.1.0)",
        ),
        _spec(
            "sgd_schedule_free",
            "Schedule-Free SGD",
            alias.sgd_schedule_free,
            [_lr(0.02), _momentum(0.9), _weight_decay()],
            "Gradient steps move a hidden point z; x is the running mean of all z's and the drawn"
            " point y, where each gradient is taken, sits β of the way from z to x. The path"
            " shown is y; x, what schedule-free reports at the end, trails it.",
            _aligned(
                r"g_k &= \nabla J(y_k), \quad x_0 = y_0 = z_0 = \theta_0",
                r"z_{k+1} &= z_k - \alpha\, g_k",
                r"x_{k+1} &= (1-c_{k+1})\, x_k + c_{k+1}\, z_{k+1},"
                r" \quad c_{k+1} = \tfrac{1}{k+1} \text{ for constant } \alpha",
                r"y_{k+1} &= \mu\, x_{k+1} + (1-\mu)\, z_{k+1} \quad \text{(drawn)}",
            ),
            "Defazio et al. (2024), The Road Less Scheduled; matches schedulefree's"
            " SGDScheduleFreeReference (1.4.1)",
        ),
        _spec(
            "adamw_schedule_free",
            "Schedule-Free AdamW",
            alias.adamw_schedule_free,
            [_lr(0.1), _beta1(), _beta2(), _eps(), _weight_decay(0.0, True)],
            "Schedule-Free averaging around RMS-scaled steps: z takes Adam's step without"
            " momentum, x averages the z's, and the drawn point y, where gradients are taken,"
            " sits β₁ of the way from z to x (β₁ is that interpolation, not a momentum).",
            _aligned(
                r"g_k &= \nabla J(y_k), \quad v_{k+1} = \beta_2 v_k + (1-\beta_2)\, g_k^2",
                r"z_{k+1} &= z_k - \alpha \left(\frac{g_k}{\sqrt{v_{k+1}/(1-\beta_2^{k+1})}"
                r" + \varepsilon} + \lambda y_k\right)",
                r"x_{k+1} &= (1-c_{k+1})\, x_k + c_{k+1}\, z_{k+1},"
                r" \quad c_{k+1} = \tfrac{1}{k+1} \text{ for constant } \alpha",
                r"y_{k+1} &= \beta_1 x_{k+1} + (1-\beta_1)\, z_{k+1} \quad \text{(drawn)}",
            ),
            "Defazio et al. (2024), The Road Less Scheduled; matches schedulefree's"
            " AdamWScheduleFreeReference (1.4.1)",
        ),
        _spec(
            "prodigy",
            "Prodigy",
            alias.prodigy,
            [
                _lr(1.0, high=10.0),
                _beta1(),
                _beta2(),
                _eps(),
                _number(
                    "d0",
                    "d₀",
                    1e-6,
                    1e-8,
                    0.1,
                    "log",
                    "Starting guess of the step size d; Prodigy grows it from here.",
                ),
                _flag("use_bias_correction", "Bias correction", "Adam's bias correction on dα."),
                _flag(
                    "safeguard_warmup",
                    "Safeguard warm-up",
                    "Leave α out of the sum s, so d does not grow too fast early on.",
                ),
                _weight_decay(0.0, True),
                _flag("decouple", "Decoupled decay", "Shrink θ directly (as AdamW).", True),
            ],
            "Adam whose step size d·α it estimates itself from how far the point has come from"
            " its start against the gradients summed on the way: steps start tiny (d₀) and grow"
            " until d settles. One d per start point.",
            _aligned(
                _G + r", \quad \hat\alpha_k = d_k\,\alpha",
                r"m_t &= \beta_1 m_{t-1} + d_k(1-\beta_1)\,g_t, \quad"
                r" v_t = \beta_2 v_{t-1} + d_k^2(1-\beta_2)\,g_t^2",
                r"s_t &= \beta_3 s_{t-1} + \tfrac{d_k}{d_0}\hat\alpha_k\, g_t, \quad"
                r" r_t = \beta_3 r_{t-1} + \tfrac{d_k}{d_0}\hat\alpha_k\,"
                r" g_t \cdot (\theta_0 - \theta_{t-1})",
                r"d_{k+1} &= \max\left(d_k, \frac{r_t}{|s_t|_1}\right)",
                r"\theta_t &= \theta_{t-1} - \hat\alpha_k\,"
                r"\frac{m_t}{\sqrt{v_t} + d_{k+1}\varepsilon}",
            ),
            "Mishchenko & Defazio (2024), Prodigy; matches prodigyopt's Prodigy (1.1.2)",
        ),
        _spec(
            "ademamix",
            "AdEMAMix",
            alias.ademamix,
            [
                _lr(0.05),
                _number("beta1", "β₁", 0.9, 0.01, 0.999, "linear", "Decay of the fast average."),
                _beta2(),
                _number(
                    "beta3",
                    "β₃",
                    0.99,
                    0.5,
                    0.9999,
                    "linear",
                    "Decay of the slow average of gradients (the paper uses 0.9999).",
                ),
                _number(
                    "alpha",
                    "α_slow",
                    5.0,
                    0.0,
                    20.0,
                    "linear",
                    "Weight of the slow average against Adam's own momentum.",
                ),
                _number(
                    "t_alpha_beta3",
                    "T (warm-up)",
                    0.0,
                    0.0,
                    1000.0,
                    "linear",
                    "Steps over which α_slow and β₃ warm up (0: none).",
                ),
                _eps(),
                _weight_decay(),
                _flag("decouple", "Decoupled decay", "Shrink θ directly (as AdamW) instead."),
            ],
            "Adam plus a slow average of gradients weighted α_slow: on a bowl the slow average"
            " keeps pushing after the minimum is passed, so paths swing wide and come back"
            " slowly; a longer β₃ (0.9999 in the paper) barely enters within a few hundred steps.",
            _aligned(
                _G,
                _ADAM_MOMENTS + r"s_t &= \beta_3(t)\, s_{t-1} + (1-\beta_3(t))\, g_t",
                r"\theta_t &= \theta_{t-1} - \alpha\, \frac{m_t/(1-\beta_1^t) + \alpha_t\, s_t}"
                r"{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}",
                r"\alpha_t &= \min\left(\tfrac{t}{T}\alpha_{slow}, \alpha_{slow}\right), \quad"
                r" \beta_3(t) = \min\left(\exp \frac{\ln\beta_1 \ln\beta_3}"
                r"{(1-\frac{t}{T})\ln\beta_3 + \frac{t}{T}\ln\beta_1}, \beta_3\right)",
            ),
            "Pagliardini et al. (2024), The AdEMAMix Optimizer; matches pytorch-optimizer's"
            " AdEMAMix (4.1.0), with its α and β₃ warm-ups",
        ),
        _spec(
            "lookahead_adam",
            "Lookahead (Adam)",
            alias.lookahead_adam,
            [
                _lr(0.05),
                _beta1(),
                _beta2(),
                _eps(),
                _number("k", "k (sync period)", 5, 1, 50, "int", "Fast steps between syncs."),
                _number(
                    "alpha",
                    "α_slow",
                    0.5,
                    0.0,
                    1.0,
                    "linear",
                    "How far the slow weights move towards the fast ones at each sync.",
                ),
            ],
            "Adam runs k steps ahead, then the point is pulled back to the slow weights moved"
            " α_slow of the way towards it: a zig-zag of k-step excursions and jumps back, whose"
            " sync points follow a smoother, slower path.",
            _aligned(
                r"\theta_t &= \theta_{t-1} + \text{Adam step}(g_t)",
                r"\phi_{j+1} &= \phi_j + \alpha_{slow}(\theta_{jk} - \phi_j), \quad"
                r" \theta_{jk} = \phi_{j+1} \quad \text{(every } k \text{ steps)}, \quad"
                r" \phi_0 = \theta_0",
            ),
            "Zhang et al. (2019), Lookahead Optimizer: k steps forward, 1 step back; matches"
            " pytorch-optimizer's Lookahead (4.1.0) over torch.optim.Adam",
        ),
        _spec(
            "adabelief",
            "AdaBelief",
            alias.adabelief,
            [
                _lr(0.05),
                _beta1(),
                _beta2(),
                _number(
                    "eps", "ε", 1e-16, 1e-20, 1e-4, "log", "Added to s at every step and to √ŝ."
                ),
                _weight_decay(0.0, True),
                _flag("decouple", "Decoupled decay", "Shrink θ directly (as AdamW).", True),
            ],
            "Adam dividing by how far gradients stray from their own average instead of by"
            " their size: on a steady slope steps grow large (about α/ε at first, held back by"
            " the bias correction), where the gradient turns they shrink.",
            _aligned(
                _G,
                r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,g_t",
                r"s_t &= \beta_2 s_{t-1} + (1-\beta_2)\,(g_t - m_t)^2 + \varepsilon",
                r"\theta_t &= \theta_{t-1} - \alpha\,"
                r"\frac{m_t/(1-\beta_1^t)}{\sqrt{s_t/(1-\beta_2^t)} + \varepsilon}",
            ),
            "Zhuang et al. (2020), AdaBelief; matches pytorch-optimizer's AdaBelief (4.1.0),"
            " not rectified",
        ),
        _spec(
            "yogi",
            "Yogi",
            alias.yogi,
            [_lr(0.1), _beta1(), _beta2(), _eps(1e-3), _weight_decay(0.0, True)],
            "Adam whose second moment moves towards g² by a bounded amount instead of"
            " averaging: after a burst of large gradients it forgets them slowly and evenly,"
            " so steps stay small for longer than Adam's.",
            _aligned(
                _G + r", \quad m_0 = v_0 = 10^{-6}",
                r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\,g_t",
                r"v_t &= v_{t-1} - (1-\beta_2)\,\operatorname{sign}(v_{t-1} - g_t^2)\, g_t^2",
                r"\theta_t &= \theta_{t-1} - \alpha\,"
                r"\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}",
            ),
            "Zaheer et al. (2018), Adaptive Methods for Nonconvex Optimization; matches"
            " pytorch-optimizer's Yogi (4.1.0)",
        ),
        _spec(
            "signum",
            "Signum / signSGD",
            alias.signum,
            [_lr(0.02), _momentum(0.9), _weight_decay(0.0, True)],
            "Step by the sign of the momentum: every coordinate moves exactly ±α, so paths run"
            " along the diagonals and end rattling ±α around the minimum (μ = 0: signSGD).",
            _aligned(
                _G,
                r"m_t &= \mu\, m_{t-1} + (1-\mu)\, g_t",
                r"\theta_t &= \theta_{t-1} - \alpha\,\operatorname{sign}(m_t)",
            ),
            "Bernstein et al. (2018), signSGD; matches pytorch-optimizer's SignSGD (4.1.0)",
        ),
        _spec(
            "adan",
            "Adan",
            alias.adan,
            [
                _lr(0.05),
                _number("beta1", "β₁", 0.98, 0.0, 0.999, "linear", "Decay of the average of g."),
                _number(
                    "beta2",
                    "β₂",
                    0.92,
                    0.0,
                    0.999,
                    "linear",
                    "Decay of the average of gradient differences g_t − g_{t−1}.",
                ),
                _number(
                    "beta3",
                    "β₃",
                    0.99,
                    0.0,
                    0.9999,
                    "linear",
                    "Decay of the average of the squared look-ahead gradient.",
                ),
                _eps(),
                _weight_decay(),
                _flag("decouple", "Decoupled decay", "Shrink θ by 1 − αλ (as AdamW) instead."),
            ],
            ADAN_DESCRIPTION,
            _aligned(
                _G + r", \quad \Delta_t = g_t - g_{t-1}, \quad \Delta_1 = 0",
                r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \quad"
                r" n_t = \beta_2 n_{t-1} + (1-\beta_2)\,\Delta_t",
                r"v_t &= \beta_3 v_{t-1} + (1-\beta_3)\,(g_t + \beta_2\Delta_t)^2",
                r"\theta_t &= \left(\theta_{t-1} - \alpha\,"
                r"\frac{m_t/(1-\beta_1^t) + \beta_2 n_t/(1-\beta_2^t)}"
                r"{\sqrt{v_t/(1-\beta_3^t)} + \varepsilon}\right) / (1 + \alpha\lambda)",
            ),
            "Xie et al. (2022), Adan: Adaptive Nesterov Momentum Algorithm; matches"
            " pytorch-optimizer's Adan (4.1.0)",
        ),
        _spec(
            "lamb",
            "LAMB",
            alias.lamb,
            [
                _lr(0.02),
                _beta1(),
                _beta2(),
                _eps(1e-6),
                _number(
                    "clamp",
                    "c (‖θ‖ cap)",
                    10.0,
                    0.1,
                    100.0,
                    "log",
                    "Largest ‖θ‖ the trust ratio uses: the step length's ceiling over α.",
                ),
                _flag("bias_correction", "Bias correction", "Divide α by 1 − β₁ᵗ.", True),
                _weight_decay(0.0, True),
                _flag("decouple", "Decoupled decay", "Shrink θ directly (as AdamW).", True),
            ],
            LAMB_DESCRIPTION,
            _aligned(
                _G + r", \quad \theta' = \theta_{t-1}(1-\alpha\lambda)",
                _ADAM_MOMENTS + r"u_t &= \frac{m_t}{\sqrt{v_t} + \varepsilon}, \quad"
                r" r_t = \frac{\min(\|\theta'\|, c)}{\|u_t\| + \varepsilon}",
                r"\theta_t &= \theta' - \frac{\alpha}{1-\beta_1^t}\, r_t\, u_t",
            ),
            "You et al. (2019), Large Batch Optimization for Deep Learning: Training BERT in 76"
            " minutes; matches pytorch-optimizer's Lamb (4.1.0)",
        ),
        _spec(
            "lars",
            "LARS",
            alias.lars,
            [
                _lr(0.5, high=10.0),
                _number(
                    "trust_coefficient",
                    "η (trust)",
                    0.02,
                    1e-4,
                    1.0,
                    "log",
                    "Each step's length before momentum, as a fraction of ‖θ‖ (times α).",
                ),
                _momentum(0.9),
                _dampening("step"),
                _flag("nesterov", "Nesterov", "Add μ·b to the step (a look-ahead)."),
                _weight_decay(),
            ],
            LARS_DESCRIPTION,
            _aligned(
                _G + r", \quad r_t = \frac{\eta\,\|\theta_{t-1}\|}"
                r"{\|g_t\| + \lambda\|\theta_{t-1}\|}",
                r"b_t &= \mu\, b_{t-1} + (1-\tau)\, r_t\,(g_t + \lambda\theta_{t-1}),"
                r" \quad b_0 = 0",
                r"\theta_t &= \theta_{t-1} - \alpha\, b_t",
            ),
            "You et al. (2017), Large Batch Training of Convolutional Networks; matches"
            " pytorch-optimizer's LARS (4.1.0) on a parameter of two axes (one per point)",
        ),
        _spec(
            "sam_sgd",
            "SAM (SGD)",
            alias.sam_sgd,
            [_lr(0.002), _momentum(0.9), _SAM_RHO, _SAM_ADAPTIVE, _weight_decay()],
            SAM_DESCRIPTION,
            _aligned(*_SAM_RULE, r"\theta_t &= \theta_{t-1} + \text{SGD step}(\hat g_t)"),
            SAM_REFERENCE + " over torch.optim.SGD",
        ),
        _spec(
            "sam_adam",
            "SAM (Adam)",
            alias.sam_adam,
            [_lr(0.05), _beta1(), _beta2(), _eps(), _SAM_RHO, _SAM_ADAPTIVE, _weight_decay()],
            SAM_DESCRIPTION,
            _aligned(*_SAM_RULE, r"\theta_t &= \theta_{t-1} + \text{Adam step}(\hat g_t)"),
            SAM_REFERENCE + " over torch.optim.Adam",
        ),
        _spec(
            "sophia",
            "SophiaH",
            alias.sophia,
            [
                _lr(0.5),
                _beta1(),
                _beta2(0.99),
                _number(
                    "rho",
                    "ρ (clip)",
                    1.0,
                    1e-3,
                    10.0,
                    "log",
                    "Largest step per coordinate, before α: the ratio m/h is clipped to ±ρ.",
                ),
                _number(
                    "update_period",
                    "k (Hessian every k steps)",
                    1,
                    1,
                    50,
                    "int",
                    "Steps between estimates of the Hessian diagonal.",
                ),
                _flag(
                    "exact_hessian",
                    "Exact Hessian diagonal",
                    "Use the surface's exact ∂²J/∂x², ∂²J/∂y² instead of Hutchinson's z⊙Hz"
                    " (2-D surfaces only: a network would need one product per weight).",
                ),
                _number("eps", "ε", 1e-12, 1e-15, 1e-2, "log", "Floor of the Hessian average h."),
                _weight_decay(0.0, True),
                _flag("decouple", "Decoupled decay", "Shrink θ directly (as AdamW).", True),
            ],
            "Newton-like steps: momentum divided by a running average h of the Hessian's"
            " diagonal, clipped to ±ρ. Hutchinson's estimate z⊙Hz of a random z is noisy and often"
            " negative in 2-D, so h starts near 0 and early steps are clipped ±αρ (a sign step);"
            " once h settles, steps shrink to about α times Newton's.",
            _aligned(
                _G + r", \quad \hat h = z \odot (H z), \ z \text{ from } N(0, I)"
                r" \ \text{every } k \text{ steps}",
                r"h_t &= \beta_2 h_{t-1} + (1-\beta_2)\,\hat h, \quad"
                r" m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t",
                r"\theta_t &= \theta_{t-1} - \alpha\,\operatorname{clip}\left("
                r"\frac{m_t}{\max(h_t, \varepsilon)}, \rho\right)",
            ),
            "Liu et al. (2024), Sophia: A Scalable Stochastic Second-order Optimizer; matches"
            " pytorch-optimizer's SophiaH (4.1.0), the Hutchinson variant",
        ),
        _spec(
            "muon",
            "Muon",
            alias.muon,
            [
                _lr(0.05),
                _momentum(0.95),
                _flag("nesterov", "Nesterov", "Step along (1−μ)g + μm instead of m.", True),
                _number(*_NS_STEPS),
                _weight_decay(0.0, True),
            ],
            MUON_DESCRIPTION,
            _aligned(
                _G,
                _MUON_MOMENTUM,
                _NEWTON_SCHULZ,
                r"\theta_t &= \theta_{t-1}(1-\alpha\lambda) - \alpha\, O_t, \quad"
                r" O_t = 0.70\,\frac{u_t}{\|u_t\|} \text{ for a 1×2 } u_t",
            ),
            "Jordan et al. (2024), Muon: An optimizer for hidden layers in neural networks;"
            " matches Keller Jordan's SingleDeviceMuon (muon-optimizer 0.1.0) in float64",
        ),
        (
            "muon_adamw",
            OptimizerSpec(
                "muon_adamw",
                "Muon + AdamW",
                alias.muon_adamw,
                (
                    _lr(0.02),
                    _momentum(0.95),
                    _number(*_NS_STEPS),
                    _number(
                        "adam_lr",
                        "α_AdamW",
                        0.05,  # as AdamW's on a surface; a network starts at the reference's 3e-4
                        1e-5,
                        1.0,
                        "log",
                        "AdamW's step size, for the biases and the first and output layer.",
                    ),
                    _beta1(),
                    _beta2(0.95),
                    _eps(1e-10),
                    _weight_decay(0.0, True),
                ),
                MUON_ADAMW_DESCRIPTION,
                _aligned(
                    _G + r" \text{ for each hidden weight matrix } W_2 \text{ to } W_{L-1}",
                    _MUON_MOMENTUM,
                    _NEWTON_SCHULZ,
                    r"W_t &= W_{t-1}(1-\alpha\lambda) - \alpha\, O_t \quad \text{and on }"
                    r" b, W_1, W_L \text{: AdamW}(\alpha_{AdamW}, \beta_1, \beta_2,"
                    r" \varepsilon, \lambda)",
                ),
                "Jordan et al. (2024); matches Keller Jordan's SingleDeviceMuonWithAuxAdam"
                " (muon-optimizer 0.1.0) in float64",
                needs_layout=True,
            ),
        ),
    ]
)
