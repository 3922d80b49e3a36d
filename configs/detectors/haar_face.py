# OpenCV's Haar cascade face detector as an mmdet model: no weights, no
# download. Use with MMPoseInferencer(det_model=<this file>, det_cat_ids=[0]).
default_scope = 'mmdet'
custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)

model = dict(
    type='HaarCascadeFaceDetector',
    cascade='haarcascade_frontalface_default.xml',
    scale_factor=1.1,
    min_neighbors=5,
    min_size=(24, 24))

test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape'))
]
# only read for its class names and pipeline (nothing is loaded)
test_dataloader = dict(
    dataset=dict(
        type='CocoDataset',
        data_root='',
        ann_file='',
        metainfo=dict(classes=('face', )),
        pipeline=test_pipeline))
visualizer = dict(type='DetLocalVisualizer', name='face_detector_visualizer')
