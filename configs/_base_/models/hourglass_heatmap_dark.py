# mmpose's stock heatmap recipe on HIH's hourglass backbone (2 stacks, its
# per-stack heatmaps supervised, the merges unchanged): MSRAHeatmap targets
# centred at the sub-pixel keypoint (unbiased, sigma 1.5 on the 32x32 map),
# mmpose's CPMHead (intermediate supervision, MSE) and DARK decoding. The
# same-budget baselines of the synthetic HIH configs take it as
#   model = _base_.dark_model
# with `_base_.dark_codec` as their pipeline's target encoder.
dark_codec = dict(
    type='MSRAHeatmap',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    sigma=1.5,
    unbiased=True,
    blur_kernel_size=3)

dark_model = dict(
    # the backbone returns (heatmaps stack 1, heatmaps stack 2, stream)
    neck=dict(type='FeatureMapProcessor', select_index=(0, 1)),
    head=dict(
        _delete_=True,
        type='CPMHead',
        in_channels=98,
        out_channels=98,
        num_stages=2,
        deconv_out_channels=None,
        final_layer=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=dark_codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

# the same targets and decode with mmpose's HeatmapHead reduced to its final
# 1x1 conv (no deconvolutions, as in mmpose's LiteHRNet configs): the twins of
# the light HIHs, whose integer branch is that conv, take it as
#   model = dict(head=dict(_base_.dark_light_head, in_channels=C),
#                test_cfg=_base_.dark_light_test_cfg)
dark_light_head = dict(
    _delete_=True,
    type='HeatmapHead',
    out_channels=98,
    deconv_out_channels=None,
    loss=dict(type='KeypointMSELoss', use_target_weight=True),
    decoder=dark_codec)
dark_light_test_cfg = dict(flip_mode='heatmap', shift_heatmap=True)
