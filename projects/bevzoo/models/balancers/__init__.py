"""Multi-task balancing: loss balancers, FULLER's gradient calibration and M3Net's task channel scaling."""
from .gradient_calibration import GradientCalibration
from .loss_balancer import LossBalancer
from .non_finite import NonFiniteLossError, check_finite_losses
from .static_weights import StaticWeightBalancer
from .task_channel_scaling import TaskChannelScaling
from .uncertainty_weighting import UncertaintyWeightBalancer

__all__ = ['GradientCalibration', 'LossBalancer', 'NonFiniteLossError', 'StaticWeightBalancer',
           'TaskChannelScaling', 'UncertaintyWeightBalancer', 'check_finite_losses']
