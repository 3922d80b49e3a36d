# Copyright (c) hih_mmpose contributors. All rights reserved.
from typing import List, Sequence, Union

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptMultiConfig


@MODELS.register_module()
class NeckSequence(BaseModule):
    """Necks run one after the other, as one neck.

    mmpose's pose estimators build a single ``neck``: a list of neck configs
    is dropped without a word by mmpose's ``check_and_update_config`` (it
    keeps dict necks only). This container lets a config chain registered
    necks, e.g. mmpose's ``FPN`` (multi-level features) and
    ``FeatureMapProcessor`` (pick the 1/4-resolution level the head reads):

    .. code-block:: python

        neck = dict(type='NeckSequence', necks=[
            dict(type='FPN', in_channels=[32, 64, 128, 256],
                 out_channels=64, num_outs=4),
            dict(type='FeatureMapProcessor', select_index=0)])

    Args:
        necks (Sequence[dict]): The configs of the necks, in the order they
            run; at least one.
        init_cfg (dict or list[dict], optional): Initialisation config.
            Each neck keeps its own initialisation when ``None`` (default).
    """

    def __init__(self,
                 necks: Sequence[ConfigType],
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(necks, dict) or not necks:
            raise ValueError('NeckSequence takes a non-empty list of neck '
                             f'configs, got {necks!r}')
        self.necks = nn.ModuleList(MODELS.build(neck) for neck in necks)

    def forward(
        self, inputs: Union[Tensor, Sequence[Tensor]]
    ) -> Union[Tensor, List[Tensor], Sequence[Tensor]]:
        """The output of the last neck, each neck fed the previous one's
        output (the first one the backbone's features)."""
        for neck in self.necks:
            inputs = neck(inputs)
        return inputs
