# The dense light HIH: HIH's head (integer + decimal heatmaps, the cell
# decimal branch, the seamless loss, the codec of
# configs/_base_/models/hih_head.py) on mmpose's registered ResNet-18 at half
# width (32 stem / base channels: 32-64-128-256 at 1/4-1/32 of the input)
# with mmpose's FPN (64 channels, BN + ReLU), whose 1/4-resolution level is
# the integer heatmap's grid (64x64 at 256 px). mmpose builds one neck, so
# hih_mmpose's NeckSequence chains FPN and FeatureMapProcessor (which picks
# that level). It replaces the hourglass of a config that inherits
# configs/hih_wflw.py:
#   model = dict(backbone=dict(_base_.res18_w32, _delete_=True),
#                neck=_base_.res18_w32_fpn_neck,
#                head=_base_.res18_w32_fpn_head)
# Why this backbone (0.87 GMac, plain 3x3 convs that a CPU runs fast) and
# not LiteHRNet-18 (0.40 GMac, slower): docs/light_hih.md.
res18_w32 = dict(
    type='ResNet',
    depth=18,
    stem_channels=32,
    base_channels=32,
    out_indices=(0, 1, 2, 3))
res18_w32_fpn_neck = dict(
    type='NeckSequence',
    necks=[
        dict(
            type='FPN',
            in_channels=[32, 64, 128, 256],
            out_channels=64,
            num_outs=4,
            norm_cfg=dict(type='BN'),
            act_cfg=dict(type='ReLU')),
        dict(type='FeatureMapProcessor', select_index=0),
    ])
# what changes in the hourglass configs' HIH head: one 64-channel feature map
# (one supervised stage) instead of the hourglass' per-stack heatmaps
res18_w32_fpn_head = dict(
    in_channels=64, num_stages=1, heatmaps_from_backbone=False)
