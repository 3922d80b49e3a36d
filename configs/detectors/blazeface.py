# MediaPipe's BlazeFace (full range) face detector as an mmdet model: its
# model ships inside the mediapipe==0.10.21 wheel that tools/setup_env.sh
# installs, so it needs no weights file and no download. The default face
# detector of FaceLandmarker and the demo. Use with
# MMPoseInferencer(det_model=<this file>, det_cat_ids=[0]).
default_scope = 'mmdet'
custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)

model = dict(
    type='BlazeFaceDetector',
    model='full',
    score_thr=0.5,
    tile_fraction=0.6,
    min_tiled_side=360)

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
