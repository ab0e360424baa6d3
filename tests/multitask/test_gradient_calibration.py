"""FULLER gradient calibration checked against hand-worked vectors (task and modality level)."""
import math

import pytest
import torch
from mmengine.optim import OptimWrapper

from bevzoo.models.balancers import GradientCalibration
from bevzoo.models.balancers.gradient_calibration import equalize_magnitudes, project_conflicting_gradients


def _task_gradients(calibration, task_vectors, batch=1, scale=1.0):
    """Backward ``sum_t <task_t output, v_t>`` through ``split``: task t's gradient at the shared BEV is v_t."""
    shared = torch.zeros(batch, len(task_vectors[0]), 1, 1, requires_grad=True)
    outputs = calibration.split(shared, [f't{i}' for i in range(len(task_vectors))])
    loss = sum((outputs[f't{i}'] * torch.tensor(v).view(-1, 1, 1)).sum() for i, v in enumerate(task_vectors))
    (scale * loss).backward()
    return shared.grad.flatten(1)


def test_projection_removes_conflicting_components_two_tasks():
    g = torch.tensor([[[1.0, 0.0]], [[-1.0, 1.0]]])  # [T=2, B=1, N=2], g1 . g2 = -1
    projected = project_conflicting_gradients(g)
    # g1 - (g1.g2 / |g2|^2) g2 = (1, 0) + 0.5 (-1, 1); g2 - (g2.g1 / |g1|^2) g1 = (-1, 1) + (1, 0)
    torch.testing.assert_close(projected[:, 0], torch.tensor([[0.5, 0.5], [0.0, 1.0]]))
    assert float(projected[0, 0] @ g[1, 0]) == pytest.approx(0.0, abs=1e-7)  # now orthogonal to g2


def test_projection_three_tasks_follows_the_fixed_order():
    g = torch.tensor([[[1.0, 0.0, 0.0]], [[-1.0, 1.0, 0.0]], [[0.0, -1.0, 1.0]]])
    projected = project_conflicting_gradients(g)
    # task 0: against g1 -> (0.5, 0.5, 0); against g2: dot -0.5, |g2|^2 = 2 -> + 0.25 (0, -1, 1)
    torch.testing.assert_close(projected[0, 0], torch.tensor([0.5, 0.25, 0.25]))


def test_projection_leaves_agreeing_gradients_alone():
    g = torch.tensor([[[1.0, 0.0]], [[1.0, 1.0]]])
    torch.testing.assert_close(project_conflicting_gradients(g), g)


def test_equalize_magnitudes_rescales_to_mean_norm_and_keeps_zero_gradients():
    g = torch.tensor([[[3.0, 4.0]], [[0.0, 1.0]], [[0.0, 0.0]]])  # norms 5, 1, 0 -> mean of non-zero 3
    torch.testing.assert_close(equalize_magnitudes(g)[:, 0], torch.tensor([[1.8, 2.4], [0.0, 3.0], [0.0, 0.0]]))


def test_split_backward_applies_projection_then_magnitudes_and_sums():
    grad = _task_gradients(GradientCalibration(), [[1.0, 0.0], [-1.0, 1.0]])
    p1, p2 = torch.tensor([0.5, 0.5]), torch.tensor([0.0, 1.0])  # projected, norms sqrt(0.5) and 1
    mean_norm = (math.sqrt(0.5) + 1.0) / 2
    expected = p1 * mean_norm / math.sqrt(0.5) + p2 * mean_norm
    torch.testing.assert_close(grad[0], expected)


def test_split_without_rules_is_the_plain_sum():
    calibration = GradientCalibration(project_conflicts=False, equalize_task_magnitudes=False)
    torch.testing.assert_close(_task_gradients(calibration, [[1.0, 0.0], [-1.0, 1.0]])[0], torch.tensor([0.0, 1.0]))


def test_calibration_is_per_sample():
    calibration = GradientCalibration(equalize_task_magnitudes=False)
    shared = torch.zeros(2, 2, 1, 1, requires_grad=True)
    outputs = calibration.split(shared, ['a', 'b'])
    va = torch.tensor([[1.0, 0.0], [1.0, 0.0]]).view(2, 2, 1, 1)
    vb = torch.tensor([[-1.0, 1.0], [1.0, 1.0]]).view(2, 2, 1, 1)  # conflicts in sample 0 only
    ((outputs['a'] * va).sum() + (outputs['b'] * vb).sum()).backward()
    torch.testing.assert_close(shared.grad.flatten(1), torch.tensor([[0.5, 1.5], [2.0, 1.0]]))


def test_loss_scaling_passes_through_exactly():
    vectors = [[1.0, 0.0, 2.0], [-1.0, 1.0, -0.5]]
    base = _task_gradients(GradientCalibration(), vectors)
    torch.testing.assert_close(_task_gradients(GradientCalibration(), vectors, scale=1024.0), base * 1024)


def test_non_finite_task_gradient_is_propagated_for_the_grad_scaler():
    grad = _task_gradients(GradientCalibration(), [[float('inf'), 0.0], [-1.0, 1.0]])
    assert not torch.isfinite(grad).all()


def test_half_precision_gradients_keep_their_dtype():
    calibration = GradientCalibration()
    shared = torch.zeros(1, 2, 1, 1, dtype=torch.bfloat16, requires_grad=True)
    outputs = calibration.split(shared, ['a', 'b'])
    va = torch.tensor([1.0, 0.0], dtype=torch.bfloat16).view(1, 2, 1, 1)
    vb = torch.tensor([-1.0, 1.0], dtype=torch.bfloat16).view(1, 2, 1, 1)
    ((outputs['a'] * va).sum() + (outputs['b'] * vb).sum()).backward()
    assert shared.grad.dtype == torch.bfloat16
    full_precision = _task_gradients(calibration, [[1.0, 0.0], [-1.0, 1.0]])[0]
    torch.testing.assert_close(shared.grad.float().flatten(), full_precision, atol=1e-2, rtol=1e-2)


def test_split_is_a_pass_through_without_gradients():
    shared = torch.randn(1, 4, 2, 2)
    with torch.no_grad():
        outputs = GradientCalibration().split(shared, ['a', 'b'])
    assert all(out is shared for out in outputs.values())


class _TwoTaskModel(torch.nn.Module):
    """A shared linear layer feeding two task layers through the calibration."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.shared, self.a, self.b = torch.nn.Linear(3, 4), torch.nn.Linear(4, 1), torch.nn.Linear(4, 1)
        self.calibration = GradientCalibration()

    def loss(self, x):
        features = self.calibration.split(self.shared(x)[..., None, None], ['a', 'b'])
        return self.a(features['a'].flatten(1)).sum() - 3 * self.b(features['b'].flatten(1)).sum()


def test_gradient_accumulation_with_optim_wrapper_matches_one_large_batch():
    x = torch.randn(4, 3)
    whole = _TwoTaskModel()
    whole_wrapper = OptimWrapper(torch.optim.SGD(whole.parameters(), lr=1.0))
    whole_wrapper.update_params(whole.loss(x) / 2)  # the accumulating wrapper divides each loss by 2
    accumulated = _TwoTaskModel()
    wrapper = OptimWrapper(torch.optim.SGD(accumulated.parameters(), lr=1.0), accumulative_counts=2)
    for micro_batch in (x[:2], x[2:]):
        with wrapper.optim_context(accumulated):
            wrapper.update_params(accumulated.loss(micro_batch))
    for expected, got in zip(whole.parameters(), accumulated.parameters()):
        torch.testing.assert_close(got, expected)


def test_modalities_equalise_gradient_norms_per_sample():
    camera = torch.zeros(1, 2, 1, 1, requires_grad=True)
    lidar = torch.zeros(1, 3, 1, 1, requires_grad=True)
    cam_out, lidar_out = GradientCalibration().modalities(camera, lidar)
    loss = (cam_out * torch.tensor([0.6, 0.8]).view(1, 2, 1, 1)).sum()  # norm 1
    loss = loss + (lidar_out * torch.tensor([0.0, 3.0, 0.0]).view(1, 3, 1, 1)).sum()  # norm 3
    loss.backward()
    torch.testing.assert_close(camera.grad.flatten(), torch.tensor([1.2, 1.6]))  # both now norm 2
    torch.testing.assert_close(lidar.grad.flatten(), torch.tensor([0.0, 2.0, 0.0]))


def test_modalities_with_a_missing_modality_pass_through():
    camera = torch.randn(1, 2, 1, 1, requires_grad=True)
    assert GradientCalibration().modalities(camera, None) == (camera, None)
