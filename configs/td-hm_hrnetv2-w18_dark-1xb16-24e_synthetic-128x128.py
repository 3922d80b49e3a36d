# mmpose's own HRNetV2-W18 + DARK recipe (its HeatmapHead and unbiased
# MSRAHeatmap, as in mmpose's td-hm_hrnetv2-w18_dark-8xb64-60e_wflw-256x256.py)
# at the budget of configs/hih_hrnetv2-w18_1xb16-24e_synthetic-128x128.py:
# the same backbone, data, augmentation, optimiser, schedule and integer
# Gaussian (sigma 1.5 on the 32x32 map). The fair test of HIH's head:
# docs/model_zoo/synthetic.md.
_base_ = ['./hih_hrnetv2-w18_1xb16-24e_synthetic-128x128.py']

codec = dict(
    type='MSRAHeatmap',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    sigma=1.5,
    unbiased=True)
model = dict(
    head=dict(
        _delete_=True,
        type='HeatmapHead',
        in_channels=270,
        out_channels=98,
        deconv_out_channels=None,
        conv_out_channels=(270, ),
        conv_kernel_sizes=(1, ),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_mode='heatmap', shift_heatmap=True))

# the base's training pipeline with this codec's targets
train_pipeline = [
    dict(step, encoder=codec) if step['type'] == 'GenerateTarget' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
