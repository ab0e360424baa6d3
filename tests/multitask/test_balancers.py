"""Loss balancers: prefixing, weighting, learned log-variances and non-finite detection."""
import pytest
import torch
from mmdet3d.registry import MODELS

from bevzoo.models.balancers import NonFiniteLossError


def _task_losses():
    return {'det': {'loss_heatmap': torch.tensor(2.0), 'matched_ratio': torch.tensor(0.5)},
            'map': {'loss_map': torch.tensor(3.0)}}


def test_static_weights_prefix_weight_and_pass_statistics_through():
    balancer = MODELS.build(dict(type='StaticWeightBalancer', weights=dict(det=0.5), default_weight=2.0))
    combined = balancer.combine(_task_losses())
    assert set(combined) == {'det.loss_heatmap', 'det.matched_ratio', 'map.loss_map'}
    assert float(combined['det.loss_heatmap']) == pytest.approx(1.0)
    assert float(combined['det.matched_ratio']) == pytest.approx(0.5)  # not a loss: unweighted
    assert float(combined['map.loss_map'].detach()) == pytest.approx(6.0)


def test_static_weights_reject_negative_weights():
    with pytest.raises(ValueError, match='det'):
        MODELS.build(dict(type='StaticWeightBalancer', weights=dict(det=-1.0)))


def test_uncertainty_weighting_value_and_log_variance_gradient():
    balancer = MODELS.build(dict(type='UncertaintyWeightBalancer', tasks=['det', 'map'], init_log_variance=0.0))
    combined = balancer.combine({'map': {'loss_map': torch.tensor(3.0)}})
    assert float(combined['map.loss_map'].detach()) == pytest.approx(1.5)  # 0.5 * exp(-0) * 3
    total = sum(value for key, value in combined.items() if 'loss' in key)
    total.backward()
    # d/ds [0.5 exp(-s) L + 0.5 s] at s = 0, L = 3: -1.5 + 0.5
    assert float(balancer.log_variances['map'].grad) == pytest.approx(-1.0)
    assert balancer.log_variances['det'].grad is None


def test_uncertainty_weighting_needs_its_tasks():
    with pytest.raises(ValueError, match='tasks'):
        MODELS.build(dict(type='UncertaintyWeightBalancer', tasks=[]))
    balancer = MODELS.build(dict(type='UncertaintyWeightBalancer', tasks=['det']))
    with pytest.raises(KeyError, match="'occ'"):
        balancer.combine({'occ': {'loss_occ_ce': torch.tensor(1.0)}})


@pytest.mark.parametrize('balancer', [dict(type='StaticWeightBalancer'),
                                      dict(type='UncertaintyWeightBalancer', tasks=['det', 'map'])])
def test_non_finite_loss_is_reported_with_its_task(balancer):
    losses = _task_losses()
    losses['map']['loss_map'] = torch.tensor(float('nan'))
    with pytest.raises(NonFiniteLossError, match="task 'map'.*loss_map"):
        MODELS.build(balancer).combine(losses)
